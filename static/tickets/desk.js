// The desk's ticket page: a canned reply fills the reply box (it stays editable).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("desk-canned");
    var body = document.getElementById("id_body");
    if (!select || !body) {
      return;
    }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (option && option.dataset.body) {
        body.value = option.dataset.body;
        body.focus();
      }
    });
  });
})();
