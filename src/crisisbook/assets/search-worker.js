/* crisisbook's search worker, in place of the theme's (see src/crisisbook/search.py). It speaks
   the theme's worker protocol: SETUP (0) with the index -> READY (1); QUERY (2) with the typed
   text -> RESULT (3) with the matching sections grouped by page, best first. Runs as a worker
   over http and, from file://, inside the iframe the theme's offline shim gives it. */
(function () {
  "use strict";

  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var TOKEN = /[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  // a word, with the hyphens inside it ("e-mail", "follow-up"), as search.COMPOUND finds them
  var WORD = /[a-z0-9]+(?:[-\u2010][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var MAX_WORD = 10;  // the longest Chinese word tried when a query is cut into words
  var MAX_GROUPS = 100;
  var SECOND_SECTION = 0.1;  // how much a page's second-best section adds to its rank
  var index = null;

  // VARIANTS (search.CHAR_VARIANTS and WORD_VARIANTS) comes before this script
  var CHARS = new RegExp("[" + Object.keys(VARIANTS.chars).join("") + "]", "g");
  var WORDS = new RegExp(Object.keys(VARIANTS.words).join("|"), "g");

  function fold(text) {  // as search.fold: lower case, no accents, no apostrophes, one form of each variant
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f'\u2019]/g, "")
      .replace(CHARS, function (c) { return VARIANTS.chars[c]; })
      .replace(WORDS, function (w) { return VARIANTS.words[w]; });
  }

  function setup(data) {
    var terms = data.config.terms, page = "";
    index = { docs: [], terms: terms, keys: Object.keys(terms).sort(), pages: Object.create(null), cache: Object.create(null) };
    // each section is [location, title, teaser(, tags)]; a location starting with "#" is on the
    // page of the section before it (search.build_index writes it so, search.read_docs reads it)
    data.docs.forEach(function (doc, i) {
      var location = doc[0].charAt(0) === "#" ? page + doc[0] : doc[0];
      page = location.split("#")[0];
      index.docs.push({ location: location, title: doc[1], text: doc[2], tags: doc[3] || [] });
      if (!(page in index.pages) || location.indexOf("#") < 0) index.pages[page] = i;
    });
  }

  function has(term) {  // an own key: "constructor" is a word, not Object's
    return Object.prototype.hasOwnProperty.call(index.terms, term);
  }

  function postings(term) {  // term -> {doc: weight}, decoded once
    if (index.cache[term]) return index.cache[term];
    var list = index.terms[term], out = {}, doc = 0;
    for (var i = 0; i < list.length; i += 2) {
      doc += list[i];
      out[doc] = list[i + 1];
    }
    return (index.cache[term] = out);
  }

  function withPrefix(prefix, limit) {  // index terms that start with prefix (keys are sorted)
    var keys = index.keys, lo = 0, hi = keys.length, out = [];
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0 && out.length < limit; i++)
      out.push(keys[i]);
    return out;
  }

  function segment(run) {  // a Chinese run -> the longest index terms from its left
    if (has(run)) return [run];
    var out = [], i = 0;
    while (i < run.length) {
      var j = Math.min(run.length, i + MAX_WORD);
      while (j > i + 1 && !has(run.slice(i, j))) j--;
      out.push(run.slice(i, j));
      i = j;
    }
    return out;
  }

  /* The query's words, each with the index terms that stand for it and how much each counts:
     its stem; while typing, longer words it begins (prefix matches count less). Each part of a
     word written with hyphens ("e-mail") is also found as the word joined ("email"), which the
     index holds for both spellings: "e-mail" and "email" find the same sections. */
  function parse(query) {
    var words = [], typing = !/\s$/.test(query), tokens = [], joined = [];
    (fold(query).match(WORD) || []).forEach(function (word) {
      var parts = word.match(TOKEN), whole = parts.join("");
      // each part of a hyphenated word (not a date, 2026-05-02) with the word joined
      parts.forEach(function (part) {
        tokens.push(part);
        joined.push(parts.length > 1 && !/^\d+$/.test(whole) ? whole : null);
      });
    });
    tokens.forEach(function (token, n) {
      if (HAN.test(token)) {
        segment(token).forEach(function (piece) { words.push({ word: piece, alts: [[piece, 1]] }); });
        return;
      }
      var alts = [], seen = {}, prefix = typing || n < tokens.length - 1;
      alternatives(token, prefix, alts, seen);
      if (joined[n]) alternatives(joined[n], prefix, alts, seen);
      words.push({ word: token, alts: alts });
    });
    return words;
  }

  function alternatives(token, prefix, alts, seen) {  // a word's stem, and the words it begins
    var stem = /^\d+$/.test(token) ? token : porterStem(token);
    if (!seen[stem]) { seen[stem] = true; alts.push([stem, 1]); }
    if (token.length >= 3 && prefix)
      withPrefix(stem, 50).concat(withPrefix(token, 50)).forEach(function (key) {
        if (!seen[key]) { seen[key] = true; alts.push([key, 0.5]); }
      });
  }

  function escape(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function mark(text, words) {  // the query's words highlighted in a title or teaser
    var out = escape(text), pattern = words.map(function (w) {
      return w.word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).filter(Boolean).join("|");
    if (!pattern) return out;
    var re = new RegExp("(" + pattern + ")", "gi");
    return out.replace(/([^<>&]+)(?=<|&|$)|&[^;]*;/g, function (part) {
      return part.charAt(0) === "&" ? part : part.replace(re, "<mark>$1</mark>");
    });
  }

  function item(i, score, found, words) {
    var doc = index.docs[i], terms = {};
    words.forEach(function (w, n) { terms[w.word] = !!found[n]; });
    return { location: doc.location, title: mark(doc.title, words), text: mark(doc.text, words),
             score: score, terms: terms };
  }

  function search(query) {
    var words = parse(query);
    if (!words.length) return { items: [] };
    var scores = {}, found = {};
    words.forEach(function (w, n) {
      var best = {};
      w.alts.forEach(function (alt) {
        if (!has(alt[0])) return;
        var hits = postings(alt[0]);
        for (var doc in hits) {
          var s = hits[doc] * alt[1];
          if (!(doc in best) || s > best[doc]) best[doc] = s;
        }
      });
      for (var doc in best) {
        scores[doc] = (scores[doc] || 0) + best[doc];
        (found[doc] = found[doc] || {})[n] = true;
      }
    });
    // sections with more of the query's words first, then by weight
    var ranked = Object.keys(scores).map(Number).map(function (doc) {
      return { doc: doc, count: Object.keys(found[doc]).length, score: scores[doc] };
    }).sort(function (a, b) { return b.count - a.count || b.score - a.score || a.doc - b.doc; });
    // Pages are ranked by their best section, and a second section with as many of the query's
    // words adds a little: a page where the words come back (the breach scenario's steps and
    // statements on password resets) is more about them than one duty line that names them.
    var pages = [], byPage = {};
    ranked.forEach(function (r) {
      var page = index.docs[r.doc].location.split("#")[0], p = byPage[page];
      if (p === undefined) {
        p = byPage[page] = { count: r.count, score: r.score, second: 0, order: pages.length, items: [] };
        pages.push(p);
      } else if (!p.second && r.count === p.count) {
        p.second = r.score;
      }
      // the score the theme shows: query words found first, then the weight
      p.items.push(item(r.doc, r.count * 1000 + r.score, found[r.doc], words));
    });
    pages.sort(function (a, b) {
      return b.count - a.count || (b.score + SECOND_SECTION * b.second) - (a.score + SECOND_SECTION * a.second) ||
        a.order - b.order;
    });
    var groups = pages.slice(0, MAX_GROUPS).map(function (p) { return p.items; });
    groups.forEach(function (group) {  // the theme needs each page's own entry in its group
      var page = group[0].location.split("#")[0], own = index.pages[page];
      if (own !== undefined && !group.some(function (it) { return it.location === page; }))
        group.push(item(own, 0, {}, []));
    });
    return { items: groups };
  }

  addEventListener("message", function (ev) {
    var message = ev.data;
    if (message.type === 0) {
      setup(message.data);
      postMessage({ type: 1 });
    } else if (message.type === 2) {
      postMessage({ type: 3, data: search(message.data) });
    }
  });
})();
