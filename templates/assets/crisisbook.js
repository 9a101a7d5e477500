/* crisisbook: a fill-in form for every statement with blanks.
   Plain JavaScript, no dependencies, nothing loaded from outside: it works offline and from
   file://. Typing in a field fills that blank in the statement itself, so both this form's
   button and the theme's copy button copy the finished text. */
(function () {
  "use strict";

  function labels() {
    var el = document.getElementById("cb-strings");
    var data = el ? el.dataset : {};
    return {
      title: data.title || "Fill in the blanks",
      copy: data.copy || "Copy filled text",
      copied: data.copied || "Copied",
      missing: data.missing || "Still blank:"
    };
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");  // file:// and plain http fallback
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

  function setUp(pre, text) {
    var marks = pre.querySelectorAll("mark.cb-blank[data-blank]");
    if (!marks.length) return;
    var names = [];
    marks.forEach(function (mark) {
      if (names.indexOf(mark.dataset.blank) < 0) names.push(mark.dataset.blank);
    });
    var form = document.createElement("form");
    form.className = "cb-fill";
    form.setAttribute("aria-label", text.title);
    var inputs = {};
    names.forEach(function (name) {
      var label = document.createElement("label");
      var caption = document.createElement("span");
      caption.textContent = "{" + name + "}";
      var input = document.createElement("input");
      input.type = "text";
      input.name = name;
      input.placeholder = pre.querySelector('mark[data-blank="' + name + '"]').title || name;
      input.addEventListener("input", function () {
        pre.querySelectorAll('mark[data-blank="' + name + '"]').forEach(function (mark) {
          mark.textContent = input.value || "{" + name + "}";
          mark.classList.toggle("cb-filled", !!input.value);
        });
      });
      inputs[name] = input;
      label.appendChild(caption);
      label.appendChild(input);
      form.appendChild(label);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "md-button";
    button.textContent = text.copy;
    var status = document.createElement("output");
    form.appendChild(button);
    form.appendChild(status);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var empty = names.filter(function (name) { return !inputs[name].value; });
      if (empty.length) {
        status.textContent = text.missing + " " + empty.map(function (n) { return "{" + n + "}"; }).join(", ");
        return;
      }
      var code = pre.querySelector("code");
      copyText(code.textContent).then(function () {
        status.textContent = text.copied;
        pre.dataset.copied = code.textContent;
      }, function () {
        status.textContent = "";
      });
    });
    pre.parentNode.insertBefore(form, pre);
  }

  function init() {
    var text = labels();
    document.querySelectorAll("pre.cb-statement").forEach(function (pre) { setUp(pre, text); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
