// Follow the reader's colour scheme with Bootstrap's colour modes. Loaded in <head>, before the page
// paints, so that a dark-mode reader never sees a flash of white.
(function () {
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  if (query.addEventListener) {
    query.addEventListener("change", apply);
  }
})();
