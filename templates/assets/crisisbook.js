/* crisisbook: what a scenario page does in the browser during a crisis.
   - tables: each cell carries its column's name, so narrow screens show rows as cards;
   - one fill-in panel: a blank typed once fills every statement and reply on the page;
   - honest copy buttons: nothing with an empty {blank} is copied, and an over-limit text says so;
   - live character counts against each channel's limit;
   - the crisis clock: deadlines as times of day, overdue steps, ticks, a status to copy.
   Plain JavaScript, no dependencies, nothing loaded or sent: it works offline and from file://.
   What the reader types and ticks is kept in this browser's localStorage only. */
(function () {
  "use strict";

  var S = { fill: {}, clock: {} };
  var lang = document.documentElement.lang || "en";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // localStorage can be missing or refused (private mode, some file:// settings): then nothing
  // is kept, and everything else still works.
  var store = {
    get: function (key) {
      try { return JSON.parse(localStorage.getItem(key)) || null; } catch (e) { return null; }
    },
    set: function (key, value) {
      try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* not kept */ }
    },
    drop: function (key) {
      try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    }
  };

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {  // plain http and some file:// set-ups have no clipboard API
    var area = make("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  /* ---- tables as cards on narrow screens ---- */

  function labelTables() {
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          cell.setAttribute("data-label", heads[i] || "");
        });
      });
      table.setAttribute("data-cb-cards", "");
    });
  }

  /* ---- names for screen readers where the theme gives none ---- */

  // A task list's step as words: without its checkbox, phase badge and deadline.
  function stepText(item) {
    var clone = item.cloneNode(true);
    clone.querySelectorAll(".cb-phase, .cb-due, label, input").forEach(function (el) { el.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  // Every task list's checkbox (the crisis clock's record, a role's steps) is named by its step.
  function nameCheckboxes() {
    document.querySelectorAll(".task-list-item").forEach(function (item) {
      var box = item.querySelector("input[type=checkbox]");
      if (box && box.closest(".task-list-item") === item) box.setAttribute("aria-label", stepText(item));
    });
  }

  // The theme's search is a dialog without a name: it takes the name of its own search field,
  // which the theme words in the page's language. A section of the navigation that has its
  // own page (navigation.indexes) is labelled by an empty toggle, so every such section was an
  // unnamed navigation: it takes its title.
  function nameThemeParts() {
    var search = document.querySelector(".md-search[role=dialog]:not([aria-label])");
    var field = search && search.querySelector("input[aria-label]");
    if (field) search.setAttribute("aria-label", field.getAttribute("aria-label"));
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (label && !label.textContent.trim() && title && title.textContent.trim()) {
        nav.removeAttribute("aria-labelledby");
        nav.setAttribute("aria-label", title.textContent.trim());
      }
    });
  }

  /* ---- fill-in panel, texts, counts, copy ---- */

  // X counts these code points once and every other one (CJK, emoji…) twice; the same ranges
  // as model.post_length, which `crisisbook validate` uses.
  var X_SINGLE = /[\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]/;

  // X counts a link 23 whatever its length, and an emoji with its variation selector or skin
  // tone as one emoji. `crisisbook validate` asks twitter-text itself, which knows every domain
  // name; for the live count while blanks are typed in, the common endings are enough.
  var X_LINK = /(?<![@\w.\-\/])(?:https?:\/\/)?(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|me|ly|app|dev|hk|tw|mo|cn|sg|my|jp|kr|uk|us|eu|de|fr|au|ca|gov|edu|asia|tv)(?::\d+)?(?:\/[^\s]*)?(?![a-z0-9-])/gi;
  var X_SILENT = /[\ufe00-\ufe0f]|\ud83c[\udffb-\udfff]/g;

  // An SMS goes in the GSM alphabet, 160 to a message (the extension's characters count twice),
  // or, with any other character (Chinese, emoji, a curly quote), in UCS-2: 70, an emoji taking
  // two. As model.post_length and model.sms_limit.
  var GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENSION = "\f^{}\\[~]|€";

  function inGsm(text) {
    return Array.from(text).every(function (c) { return GSM.indexOf(c) >= 0 || GSM_EXTENSION.indexOf(c) >= 0; });
  }

  function limitFor(text, count, limit) {
    return count === "sms" && !inGsm(text) ? Math.floor(limit * 7 / 16) : limit;
  }

  function postLength(text, count) {
    if (count === "sms") {
      if (!inGsm(text)) return text.length;  // UTF-16 code units, as UCS-2 sends them
      return Array.from(text).reduce(function (n, c) { return n + (GSM_EXTENSION.indexOf(c) >= 0 ? 2 : 1); }, 0);
    }
    if (count !== "x-weighted") return Array.from(text).length;
    var links = 0;
    text = text.normalize("NFC");  // as X counts it (validate's count does the same)
    var rest = text.replace(X_LINK, function () { links += 1; return ""; }).replace(X_SILENT, "");
    return Array.from(rest).reduce(function (n, c) { return n + (X_SINGLE.test(c) ? 1 : 2); }, 23 * links);
  }

  function Fill(panel) {
    this.panel = panel;
    this.key = "crisisbook:fill:" + lang + ":" + (panel ? panel.dataset.scenario : location.pathname);
    this.values = store.get(this.key) || {};
    this.inputs = {};
    this.texts = [];
  }

  Fill.prototype.value = function (name) {
    return (this.values[name] || "").trim();
  };

  Fill.prototype.buildPanel = function () {
    var self = this;
    var panel = this.panel;
    if (!panel) return;
    var list = panel.querySelector("ul");
    var form = make("form", "cb-fill-form");
    form.setAttribute("aria-label", S.fill.title);
    form.appendChild(make("p", "cb-fill-intro", S.fill.intro));
    Array.prototype.forEach.call(list ? list.children : [], function (item) {
      var mark = item.querySelector("mark[data-blank]");
      var name = mark.dataset.blank;
      var label = make("label");
      var caption = make("span", "cb-fill-caption");
      caption.appendChild(make("mark", "cb-blank", "{" + name + "}"));
      mark.remove();
      caption.appendChild(document.createTextNode(" " + item.textContent.trim()));
      var input = make("input");
      input.type = "text";
      input.name = name;
      input.value = self.values[name] || "";
      input.addEventListener("input", function () {
        self.values[name] = input.value;
        store.set(self.key, self.values);
        self.update();
      });
      self.inputs[name] = input;
      label.appendChild(caption);
      label.appendChild(input);
      form.appendChild(label);
    });
    var clear = make("button", "md-button cb-clear", S.fill.clear);
    clear.type = "button";
    clear.addEventListener("click", function () {
      self.values = {};
      store.drop(self.key);
      Object.keys(self.inputs).forEach(function (n) { self.inputs[n].value = ""; });
      self.update();
    });
    form.appendChild(clear);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    if (list) list.replaceWith(form);
    else panel.appendChild(form);
  };

  // One statement or reply: its <pre>, the counts above it, a copy button and a status line.
  Fill.prototype.addText = function (pre) {
    var self = this;
    var about = pre.previousElementSibling;
    var text = {
      pre: pre,
      marks: Array.prototype.slice.call(pre.querySelectorAll("mark.cb-blank[data-blank]")),
      counts: about && about.classList.contains("cb-about")
        ? Array.prototype.slice.call(about.querySelectorAll(".cb-count[data-limit]")) : []
    };
    text.marks.forEach(function (mark) {
      mark.tabIndex = 0;
      mark.addEventListener("click", function () { self.focus(mark.dataset.blank); });
    });
    var bar = make("div", "cb-copybar");
    var button = make("button", "md-button cb-copy", S.fill.copy);
    button.type = "button";
    text.status = make("output", "cb-copy-status");
    text.status.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () { self.copy(text); });
    bar.appendChild(button);
    bar.appendChild(text.status);
    pre.parentNode.insertBefore(bar, pre.nextSibling);
    this.texts.push(text);
  };

  Fill.prototype.focus = function (name) {
    var input = this.inputs[name];
    if (!input) return;
    input.scrollIntoView({ block: "center" });
    input.focus();
  };

  // The text as it would be posted: every filled blank replaced, an empty one left as {name}.
  Fill.prototype.textOf = function (text) {
    var self = this;
    var clone = text.pre.cloneNode(true);
    clone.querySelectorAll("mark.cb-blank[data-blank]").forEach(function (mark) {
      mark.replaceWith(document.createTextNode(self.value(mark.dataset.blank) || "{" + mark.dataset.blank + "}"));
    });
    return clone.textContent;
  };

  Fill.prototype.missing = function (text) {
    var self = this;
    var names = [];
    text.marks.forEach(function (mark) {
      var name = mark.dataset.blank;
      if (!self.value(name) && names.indexOf(name) < 0) names.push(name);
    });
    return names;
  };

  // Characters that will be posted: the text with empty blanks left out (a blank's own name is
  // not text), filled ones counted as typed.
  // With the channel's limit for that text (an SMS's depends on its alphabet).
  Fill.prototype.posted = function (text, count) {
    var self = this;
    var clone = text.pre.cloneNode(true);
    clone.querySelectorAll("mark.cb-blank[data-blank]").forEach(function (mark) {
      mark.replaceWith(document.createTextNode(self.value(mark.dataset.blank)));
    });
    var posted = clone.textContent;
    return { n: postLength(posted, count.dataset.count),
             limit: limitFor(posted, count.dataset.count, Number(count.dataset.limit)) };
  };

  Fill.prototype.update = function () {
    var self = this;
    this.texts.forEach(function (text) {
      text.marks.forEach(function (mark) {
        var value = self.value(mark.dataset.blank);
        mark.textContent = value || "{" + mark.dataset.blank + "}";
        mark.classList.toggle("cb-filled", !!value);
      });
      text.counts.forEach(function (count) {
        var p = self.posted(text, count);
        count.textContent = p.n + "/" + p.limit;  // the brackets around it are the page's own: （…） on a Chinese page
        count.classList.toggle("cb-over", p.n > p.limit);
        count.title = p.n > p.limit ? format(S.fill.over_short, { n: p.n - p.limit }) : "";
      });
      text.status.textContent = "";
      text.status.className = "cb-copy-status";
    });
  };

  Fill.prototype.copy = function (text) {
    var self = this;
    var empty = this.missing(text);
    if (empty.length) {  // refuse: a {blank} posted as it is would be the next crisis
      text.status.textContent = S.fill.missing + empty.map(function (n) { return "{" + n + "}"; }).join(S.list_sep);
      text.status.className = "cb-copy-status cb-warn";
      return;
    }
    var over = text.counts.map(function (count) {
      var p = self.posted(text, count);
      return { n: p.n - p.limit, limit: p.limit, channel: count.dataset.channel };
    }).filter(function (o) { return o.n > 0; });
    var finished = this.textOf(text);
    copyText(finished).then(function () {
      text.pre.dataset.copied = finished;
      var items = over.map(function (o) { return format(S.fill.over_item, o); }).join(S.list_sep);
      text.status.textContent = over.length ? format(S.fill.over, { over: items }) : S.fill.copied;
      text.status.className = "cb-copy-status" + (over.length ? " cb-warn" : " cb-ok");
    }, function () {
      text.status.textContent = "";
    });
  };

  function setUpTexts() {
    var pres = document.querySelectorAll("pre.cb-statement, pre.cb-reply");
    if (!pres.length) return;
    var fill = new Fill(document.getElementById("cb-fill"));
    fill.buildPanel();
    pres.forEach(function (pre) { fill.addText(pre); });
    fill.update();
  }

  /* ---- the crisis clock ---- */

  function Clock(box) {
    this.box = box;
    this.title = box.dataset.title;
    this.key = "crisisbook:clock:" + box.dataset.scenario;  // one incident, whichever language
    this.state = store.get(this.key) || { start: null, done: [] };
    this.steps = Array.prototype.map.call(document.querySelectorAll("li .cb-due[data-minutes]"), function (due, i) {
      return { i: i, due: due, item: due.closest("li"), minutes: Number(due.dataset.minutes),
               box: due.closest("li").querySelector("input[type=checkbox]") };
    });
  }

  Clock.prototype.save = function () { store.set(this.key, this.state); };

  Clock.prototype.time = function (ms) {
    var when = new Date(ms);
    var text = when.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    if (when.toDateString() !== new Date(this.state.start).toDateString()) {
      text = when.toLocaleDateString(lang, { month: "short", day: "numeric" }) + " " + text;
    }
    return text;
  };

  Clock.prototype.stepText = function (step) { return stepText(step.item); };

  Clock.prototype.build = function () {
    var self = this;
    this.steps.forEach(function (step) {
      if (!step.box) return;
      step.box.disabled = false;  // the theme's task lists are read-only; here they are the record
      step.box.checked = self.state.done.indexOf(step.i) >= 0;
      step.box.addEventListener("change", function () {
        self.state.done = self.state.done.filter(function (i) { return i !== step.i; });
        if (step.box.checked) self.state.done.push(step.i);
        self.save();
        self.update();
      });
    });
    var box = this.box;
    this.form = make("form", "cb-clock-start");
    var label = make("label", null, S.clock.detected + " ");
    this.input = make("input");
    this.input.type = "datetime-local";
    this.input.name = "detected";
    label.appendChild(this.input);
    var start = make("button", "md-button md-button--primary cb-start", S.clock.start);
    start.type = "submit";
    this.form.appendChild(label);
    this.form.appendChild(start);
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var at = self.input.value ? new Date(self.input.value).getTime() : Date.now();
      self.state.start = isNaN(at) ? Date.now() : at;
      self.save();
      self.update();
    });
    this.running = make("div", "cb-clock-running");
    this.summary = make("p", "cb-clock-summary");
    this.next = make("p", "cb-clock-next");
    var copy = make("button", "md-button cb-copy-status-button", S.clock.copy_status);
    copy.type = "button";
    this.copied = make("output", "cb-copy-status");
    copy.addEventListener("click", function () {
      copyText(self.status()).then(function () { self.copied.textContent = S.clock.copied; });
    });
    var reset = make("button", "md-button cb-reset", S.clock.reset);
    reset.type = "button";
    reset.addEventListener("click", function () {
      if (!window.confirm(S.clock.reset_confirm)) return;
      self.state = { start: null, done: [] };
      store.drop(self.key);
      self.steps.forEach(function (step) { if (step.box) step.box.checked = false; });
      self.update();
    });
    [this.summary, this.next, copy, reset, this.copied].forEach(function (el) { self.running.appendChild(el); });
    box.appendChild(this.form);
    box.appendChild(this.running);
    box.hidden = false;
    this.update();
    window.setInterval(function () { self.update(); }, 30000);
  };

  Clock.prototype.deadline = function (step) { return this.state.start + step.minutes * 60000; };

  Clock.prototype.open = function () {
    var self = this;
    return this.steps.filter(function (step) { return self.state.done.indexOf(step.i) < 0; });
  };

  Clock.prototype.update = function () {
    var self = this;
    var started = this.state.start !== null;
    var now = Date.now();
    this.form.hidden = started;
    this.running.hidden = !started;
    this.box.classList.toggle("cb-clock-on", started);
    if (!started) {
      var local = new Date(now - new Date(now).getTimezoneOffset() * 60000);
      this.input.value = local.toISOString().slice(0, 16);
    }
    this.steps.forEach(function (step) {
      var done = self.state.done.indexOf(step.i) >= 0;
      var late = started && !done && self.deadline(step) < now;
      step.item.classList.toggle("cb-done", done);
      step.item.classList.toggle("cb-overdue", late);
      step.due.textContent = started ? " " + S.clock.due + " " + self.time(self.deadline(step)) + (late ? " · " + S.clock.overdue : "") : "";
    });
    if (!started) return;
    var open = this.open();
    var late = open.filter(function (step) { return self.deadline(step) < now; });
    this.summary.textContent = format(S.clock.started, { time: this.time(this.state.start) }) + " · " +
      format(S.clock.status_done, { done: this.steps.length - open.length, total: this.steps.length }) +
      (late.length ? " · " + format(S.clock.overdue_count, { n: late.length }) : "");
    this.summary.classList.toggle("cb-warn", late.length > 0);
    // the next deadline still ahead; the overdue ones are counted above and marked in the list
    var coming = open.filter(function (step) { return self.deadline(step) >= now; });
    var next = coming[0] || open[0];
    this.next.textContent = "";
    if (!next) {
      this.next.textContent = S.clock.all_done;
      return;
    }
    this.next.appendChild(make("strong", null, S.clock.next + S.label_sep + this.time(this.deadline(next))));
    this.next.appendChild(document.createTextNode(" — " + this.stepText(next)));
  };

  // A short text for the crisis channel: where the response stands, with owners.
  Clock.prototype.status = function () {
    var self = this;
    var now = Date.now();
    var open = this.open();
    var late = open.filter(function (step) { return self.deadline(step) < now; });
    var coming = open.filter(function (step) { return self.deadline(step) >= now; });
    var line = function (step) { return "- " + self.time(self.deadline(step)) + " " + self.stepText(step); };
    var out = [this.title + " — " + format(S.clock.started, { time: this.time(this.state.start) }),
               format(S.clock.status_done, { done: this.steps.length - open.length, total: this.steps.length })];
    if (late.length) out.push(S.clock.status_overdue, late.map(line).join("\n"));
    if (coming.length) out.push(S.clock.status_next + " " + line(coming[0]).slice(2));
    return out.join("\n");
  };

  function setUpClock() {
    var box = document.getElementById("cb-clock");
    if (box) new Clock(box).build();
  }

  function init() {
    var strings = document.getElementById("cb-strings");
    if (strings) {
      try { S = JSON.parse(strings.dataset.strings); } catch (e) { /* keep the defaults */ }
    }
    labelTables();
    nameCheckboxes();
    nameThemeParts();
    setUpTexts();
    setUpClock();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
