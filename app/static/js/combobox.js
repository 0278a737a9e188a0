// Type-ahead filters (templates/_macros/typeahead.html): a plain text field the server reads
// without JavaScript, turned here into the WAI-ARIA 1.2 combobox pattern (an editable combobox
// with a list popup). Suggestions come from the field's data-suggest-url (?q=…, JSON
// [{"id", "label"}]); choosing one fills the field with its label and the hidden id beside it.
// Keys: Down/Up move through the list (Alt+Down opens it), Enter chooses, Escape closes the list
// (or, closed, empties the field); a live region says how many names were found.
(function () {
  "use strict";
  var DELAY_MS = 250, MIN_CHARACTERS = 2;

  function enhance(box) {
    var input = box.querySelector("input[type=text]");
    var hidden = box.querySelector("input[data-typeahead-id]");
    if (!input || !hidden || !window.fetch) { return; }
    var noun = box.dataset.noun || "name", plural = box.dataset.plural || "names";
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "typeahead-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", plural);
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);  // opens right below the field
    box.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [], active = -1, timer = null, pending = null, cache = {}, chosenLabel = input.value;

    function open() {
      if (!items.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }
    function highlight(i) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
        options[active].classList.remove("active");
      }
      active = i;
      if (i < 0 || !options[i]) { input.removeAttribute("aria-activedescendant"); return; }
      options[i].setAttribute("aria-selected", "true");
      options[i].classList.add("active");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({block: "nearest"});
    }
    function choose(i) {
      var item = items[i];
      if (!item) { return; }
      input.value = item.label;
      hidden.value = String(item.id);
      chosenLabel = item.label;
      close();
      status.textContent = item.label + " chosen.";
    }
    function show(query, found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length) { open(); } else { close(); }
      status.textContent = found.length
        ? found.length + (found.length === 1 ? " " + noun : " " + plural) + " found for “" + query + "”. Use the up and down arrows to choose."
        : "No " + noun + " found for “" + query + "”.";
    }
    function lookup() {
      var query = input.value.trim();
      if (query.replace(/[^\p{L}\p{N}]/gu, "").length < MIN_CHARACTERS) { items = []; list.textContent = ""; close(); return; }
      if (cache[query]) { show(query, cache[query]); return; }
      if (pending) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      var url = box.dataset.suggestUrl + (box.dataset.suggestUrl.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin", signal: pending && pending.signal})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (!found) { close(); return; }  // refused (too many requests): the typed text still works
          cache[query] = found;
          if (input.value.trim() === query && document.activeElement === input) { show(query, found); }
        })
        .catch(function () { /* aborted or offline: the field still works as typed text */ });
    }

    input.addEventListener("input", function () {
      if (input.value !== chosenLabel) { hidden.value = ""; }  // typed over a chosen name
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) { open(); if (event.altKey) { return; } }
          if (items.length) { highlight(active + 1 < items.length ? active + 1 : 0); }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) { open(); }
          if (items.length) { highlight(active > 0 ? active - 1 : items.length - 1); }
          break;
        case "Enter":
          if (expanded && active >= 0) { event.preventDefault(); choose(active); }
          break;
        case "Escape":
          if (expanded) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; hidden.value = ""; chosenLabel = ""; }
          break;
        case "Tab":
          close();
          break;
      }
    });
    input.addEventListener("blur", function () { close(); });
    input.addEventListener("focus", function () { if (input.value !== chosenLabel && items.length) { open(); } });
  }

  document.querySelectorAll(".typeahead[data-suggest-url]").forEach(enhance);
})();
