// Material for MkDocs renders its search overlay as role="dialog" without an accessible
// name (axe-core: aria-dialog-name). Name it, once the page has loaded. Local, no requests.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
});
