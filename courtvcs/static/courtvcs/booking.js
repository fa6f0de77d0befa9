/* The booking form (R10): narrow the remote sites by typing, keep each participant's
   "remote site" list in step with the chosen sites, and add participant rows.
   Everything still works without this script, only less comfortably. */
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function start() {
    var form = document.getElementById("book-form");
    if (!form) { return; }
    var remote = document.getElementById("id_remote_endpoint_ids");
    var search = document.getElementById("endpoint-search");

    if (search && remote) {
      search.addEventListener("input", function () {
        var words = search.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
        each(remote.querySelectorAll("optgroup"), function (group) {
          var groupText = group.label.toLowerCase();
          var shown = 0;
          each(group.querySelectorAll("option"), function (option) {
            var text = groupText + " " + option.text.toLowerCase();
            var match = option.selected || words.every(function (w) { return text.indexOf(w) !== -1; });
            option.hidden = !match;
            if (match) { shown += 1; }
          });
          group.hidden = shown === 0;
        });
      });
    }

    function syncSites() {
      if (!remote) { return; }
      var chosen = Array.prototype.filter.call(remote.options, function (o) { return o.selected; });
      each(form.querySelectorAll("select[data-remote-site]"), function (select) {
        var keep = select.value;
        while (select.options.length > 1) { select.remove(1); }
        chosen.forEach(function (o) { select.add(new Option(o.text, o.value, false, o.value === keep)); });
      });
    }
    if (remote) { remote.addEventListener("change", syncSites); }

    // The free/busy section reloads when a field it depends on changes. An htmx trigger
    // filter would say so in the page, but htmx evaluates filters as code, which the
    // Content Security Policy forbids.
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-availability")) {
        form.dispatchEvent(new CustomEvent("availability-change"));
      }
    });

    var add = document.getElementById("add-participant");
    var template = document.getElementById("participant-template");
    var rows = document.getElementById("participants");
    var total = form.querySelector("input[name='participants-TOTAL_FORMS']");
    if (add && template && rows && total) {
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index))
          .replace(/__num__/g, String(index + 1)));
        total.value = String(index + 1);
        syncSites();
        var first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select");
        if (first) { first.focus(); }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
