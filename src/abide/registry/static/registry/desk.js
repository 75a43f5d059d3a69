// The analyst's desk: turning a selection into offsets of the source's original text, and the
// review queue's keys. (htmx swaps in rows answered 422 by the base template's configuration.)
(function () {
  "use strict";

  // The text is shown escaped, cut in segments that carry their offsets into the original
  // text (in characters, as the server counts them: code points, not UTF-16 units).
  function offsetOf(container, node, offset) {
    if (node === container) {
      // A boundary between segments: the offset counts the container's children.
      var next = container.childNodes[offset];
      if (next && next.dataset) { return Number(next.dataset.start); }
      var last = container.lastElementChild;
      return last ? Number(last.dataset.end) : 0;
    }
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var segment = element && element.closest("[data-start]");
    if (!segment || !container.contains(segment)) { return null; }
    var before = document.createRange();
    before.setStart(segment, 0);
    before.setEnd(node, offset);
    return Number(segment.dataset.start) + Array.from(before.toString()).length;
  }

  function selectionOffsets(container) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return null; }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
      return null;
    }
    var start = offsetOf(container, range.startContainer, range.startOffset);
    var end = offsetOf(container, range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) { return null; }
    return { start: start, end: end, text: selection.toString() };
  }

  function setUpSelection() {
    var text = document.getElementById("source-text");
    var form = document.getElementById("selection-form");
    if (!text || !form) { return; }
    var hint = document.getElementById("selection-hint");
    document.addEventListener("selectionchange", function () {
      var found = selectionOffsets(text);
      if (!found) { return; }
      form.querySelector("[name=start]").value = found.start;
      form.querySelector("[name=end]").value = found.end;
      form.querySelector("#selected-words").textContent = found.text;
      form.hidden = false;
      if (hint) { hint.hidden = true; }
    });
  }

  function setUpQueue() {
    var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
    if (!items.length) { return; }
    var current = 0;
    function live() {
      return Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
    }
    function focus(index) {
      items = live();
      if (!items.length) { return; }
      current = Math.max(0, Math.min(index, items.length - 1));
      items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
      items[current].scrollIntoView({ block: "nearest" });
    }
    focus(0);
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target && (target.closest("input, textarea, select") || target.isContentEditable)) {
        return;
      }
      var item = live()[current];
      if (!item) { return; }
      if (event.key === "j" || event.key === "n") {
        event.preventDefault();
        focus(current + 1);
      } else if (event.key === "k" || event.key === "p") {
        event.preventDefault();
        focus(current - 1);
      } else if (event.key === "c") {
        var confirmButton = item.querySelector("form.confirm button");
        if (confirmButton) { event.preventDefault(); confirmButton.click(); }
      } else if (event.key === "r") {
        var reject = item.querySelector("details.reject");
        if (reject) {
          event.preventDefault();
          reject.open = true;
          reject.querySelector("input[type=text]").focus();
        }
      }
    });
    document.body.addEventListener("htmx:afterSwap", function () { focus(current); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSelection();
    setUpQueue();
  });
})();
