// Timeline pages: filter the facts by briefing and by kind. Without this script every fact shows and the
// filters stay hidden. Local, no requests.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.sb-filters").forEach(function (form) {
    var items = Array.prototype.slice.call(document.querySelectorAll("li.sb-item"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var count = form.querySelector("output");
    function apply() {
      var wanted = {};
      selects.forEach(function (select) { wanted[select.dataset.filter] = select.value; });
      var shown = 0;
      items.forEach(function (item) {
        var match = Object.keys(wanted).every(function (key) {
          return !wanted[key] || item.dataset[key] === wanted[key];
        });
        item.hidden = !match;
        if (match) shown += 1;
      });
      // A month's heading goes when none of its facts shows.
      document.querySelectorAll("article ul").forEach(function (list) {
        var entries = list.querySelectorAll("li.sb-item");
        if (!entries.length) return;
        var visible = Array.prototype.some.call(entries, function (item) { return !item.hidden; });
        list.hidden = !visible;
        var heading = list.previousElementSibling;
        if (heading && /^H[2-6]$/.test(heading.tagName)) heading.hidden = !visible;
      });
      if (count) count.textContent = shown === items.length ? "" : shown + " of " + items.length + " facts shown";
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
  });
});
