// Intake form helpers: caller history on blur, street → district, catalog leaf search, suggested tier.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var phone = $("id_caller_phone"), district = $("id_district"), street = $("id_street");
  var search = $("catalog-search"), results = $("catalog-results"), leafInput = $("id_catalog_item");
  var urgency = $("id_urgency"), suggested = $("tier-suggested");
  var requestType = $("id_request_type"), chosen = $("catalog-chosen");
  var leaf = null;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function getJSON(url, done) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) done(data); })
      .catch(function () {});
  }

  phone.addEventListener("blur", function () {
    var value = phone.value.replace(/\s/g, "");
    var box = $("earlier");
    if (value.length < 7) return;
    getJSON(form.dataset.earlierUrl + "?phone=" + encodeURIComponent(value), function (data) {
      box.textContent = "";
      if (!data.requests.length) { box.appendChild(text("p", "该电话没有历史诉求。", "muted")); return; }
      var list = document.createElement("ul");
      list.className = "earlier";
      data.requests.forEach(function (r) {
        var li = document.createElement("li");
        var a = text("a", r.number); a.href = r.url; a.target = "_blank";
        li.appendChild(a);
        li.appendChild(text("span", " " + r.received_at + " · " + r.status + (r.unit ? " · " + r.unit : ""), "muted"));
        li.appendChild(text("div", r.content));
        list.appendChild(li);
      });
      box.appendChild(text("p", "共 " + data.requests.length + " 条（最近的在前），如为重复诉求请在内容中注明。"));
      box.appendChild(list);
    });
  });

  street.addEventListener("change", function () {
    var options = document.querySelectorAll("#street-list option");
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === street.value) {
        if (district.value !== options[i].dataset.district) {
          // several townships share a name across districts: keep a district already chosen if it has one
          var sameName = document.querySelectorAll('#street-list option[value="' + CSS.escape(street.value) + '"]');
          var keep = Array.prototype.some.call(sameName, function (o) { return o.dataset.district === district.value; });
          if (!keep) district.value = options[i].dataset.district;
        }
        return;
      }
    }
  });

  function showSuggested() {
    if (!leaf) return;
    var t = leaf.tiers[urgency.value];
    suggested.textContent = t.label + "（" + leaf.responsible + "）";
  }

  function choose(item) {
    leaf = item;
    leafInput.value = item.id;
    chosen.textContent = "已选：" + item.path + " → " + item.responsible;
    if (item.request_type) requestType.value = item.request_type;
    results.textContent = "";
    showSuggested();
  }

  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = search.value.trim();
      results.textContent = "";
      if (!q) return;
      getJSON(form.dataset.catalogUrl + "?q=" + encodeURIComponent(q), function (data) {
        results.textContent = "";
        if (!data.leaves.length) { results.appendChild(text("li", "没有匹配的目录条目", "muted")); return; }
        data.leaves.forEach(function (item) {
          var li = document.createElement("li");
          var b = text("button", item.path);
          b.type = "button";
          b.appendChild(text("span", " " + item.responsible + " · " + item.tiers[urgency.value].label, "muted"));
          b.addEventListener("click", function () { choose(item); search.value = item.name; });
          li.appendChild(b);
          results.appendChild(li);
        });
      });
    }, 200);
  });
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); var b = results.querySelector("button"); if (b) b.click(); }
  });
  urgency.addEventListener("change", showSuggested);
})();
