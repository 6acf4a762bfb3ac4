// Keyboard shortcuts for reviewers (progressive enhancement: every page
// works without this script). Served from /static, allowed by the
// Content-Security-Policy's script-src 'self'; no inline code.
//
// Review queue (table[data-keys="queue"]):
//   j / k   next / previous item        x   select or unselect it
//   o       open its decision screen    *   select all / none
// Decision screen (form[data-keys="decide"]):
//   a       outcome "action"            n   outcome "no action"
//   r       focus the reason            ?   show these shortcuts
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      (t.tagName === "INPUT" && t.type !== "checkbox" && t.type !== "radio"));
  }
  var queue = document.querySelector('table[data-keys="queue"]');
  var decide = document.querySelector('form[data-keys="decide"]');
  var help = document.getElementById("key-help");
  if (!queue && !decide) { return; }
  if (help) { help.hidden = false; }
  var rows = queue ? Array.prototype.slice.call(queue.querySelectorAll("tbody tr")) : [];
  var at = -1;
  function focusRow(i) {
    if (!rows.length) { return; }
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, k) { r.classList.toggle("current", k === at); });
    var box = rows[at].querySelector('input[type="checkbox"]');
    if (box) { box.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) { return; }
    var k = e.key;
    if (queue) {
      if (k === "j") { focusRow(at + 1); e.preventDefault(); return; }
      if (k === "k") { focusRow(at - 1); e.preventDefault(); return; }
      if (k === "x" && at >= 0) {
        var box = rows[at].querySelector('input[type="checkbox"]');
        if (box) { box.checked = !box.checked; }
        e.preventDefault(); return;
      }
      if (k === "o" && at >= 0) {
        var link = rows[at].querySelector('a[href^="/review/items/"]');
        if (link) { window.location.href = link.href; }
        e.preventDefault(); return;
      }
      if (k === "*") {
        var boxes = queue.querySelectorAll('tbody input[type="checkbox"]');
        var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
        e.preventDefault(); return;
      }
    }
    if (decide) {
      var pick = { a: "d-action", n: "d-no_action" }[k];
      if (pick) {
        var radio = document.getElementById(pick);
        if (radio) { radio.checked = true; radio.focus(); }
        e.preventDefault(); return;
      }
      if (k === "r") {
        var reason = document.getElementById("d-reason");
        if (reason) { reason.focus(); }
        e.preventDefault(); return;
      }
    }
    if (k === "?" && help) { help.open = !help.open; e.preventDefault(); }
  });
})();
