// The edit forms' search-as-you-type (docs/editing.md): the entity fields
// offer the entities whose names start so, from /api/v1/search.  The form
// works without this file: the server resolves a typed name on saving.
(function () {
  'use strict';
  var list = document.getElementById('entities-list');
  if (!list || !window.fetch) return;
  var timer = null;
  var last = '';
  function fill(hits) {
    while (list.firstChild) list.removeChild(list.firstChild);
    hits.forEach(function (h) {
      var o = document.createElement('option');
      o.value = h.id;
      o.textContent = h.name + ' (' + h.id + ')';
      list.appendChild(o);
    });
  }
  function look(q) {
    if (q === last || q.length < 2) return;
    last = q;
    fetch('/api/v1/search?limit=10&q=' + encodeURIComponent(q), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (j) { fill(j.results || j.hits || []); })
      .catch(function () {});
  }
  document.querySelectorAll('input[data-search="entity"]').forEach(function (input) {
    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value.trim();
      timer = setTimeout(function () { look(q); }, 150);
    });
  });
})();
