// truecard dashboard: the only script. Everything works without it; with it, sorting and paging
// the leaderboard swap the table in place (no reload) and keep the address bar in step.
"use strict";
(function () {
  var board = document.getElementById("board");
  if (!board || !window.fetch || !window.history || !history.pushState) return;

  function load(url, push) {
    var u = new URL(url, location.href);
    var frag = new URL(u.href);
    frag.searchParams.set("partial", "1");
    board.classList.add("loading");
    return fetch(frag.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        board.innerHTML = html;
        board.classList.remove("loading");
        if (push) history.pushState({ board: true }, "", u.pathname + u.search);
        syncFilters(u);
      })
      .catch(function () { location.href = u.href; });
  }

  // The filter form keeps the sort order chosen by clicking a header (its Sort and Order
  // selects follow the address).
  function syncFilters(u) {
    var form = document.getElementById("filters");
    if (!form) return;
    var defaults = { sort: "total", dir: "desc" };
    ["sort", "dir"].forEach(function (name) {
      var el = form.querySelector("[name=" + name + "]");
      if (!el) return;
      var v = u.searchParams.get(name) || defaults[name];
      if (el.tagName === "SELECT" && !el.querySelector("option[value='" + v.replace(/'/g, "") + "']")) {
        var o = document.createElement("option"); o.value = v; o.textContent = v; el.appendChild(o);
      }
      el.value = v;
    });
  }

  board.addEventListener("click", function (ev) {
    var a = ev.target.closest("a.sort, .pager a");
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    load(a.href, true);
  });
  window.addEventListener("popstate", function () { load(location.href, false); });

  // Compare: at most four ticked.
  board.addEventListener("change", function (ev) {
    if (!ev.target.matches("input[name=m]")) return;
    var ticked = board.querySelectorAll("input[name=m]:checked");
    if (ticked.length > 4) { ev.target.checked = false; }
  });
})();
