// Intake form helpers: caller history on blur, street → district, catalog leaf search, suggested tier, and the
// smart-intake suggestions: catalog leaves from the content, streets from the address, possible repeat requests,
// the 诉求类型 from the content; the suggested lead unit; the content counter; every missing field shown at once.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var phone = $("id_caller_phone"), district = $("id_district"), street = $("id_street");
  var address = $("id_address"), content = $("id_content");
  var search = $("catalog-search"), results = $("catalog-results"), leafInput = $("id_catalog_item");
  var urgency = $("id_urgency"), suggested = $("tier-suggested");
  var requestType = $("id_request_type"), chosen = $("catalog-chosen");
  var leafBox = $("leaf-suggest"), streetBox = $("street-suggest"), repeatBox = $("repeats");
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

  // Only the answer to the latest request of each kind is shown (typing fires many).
  var sequence = {};
  function getLatest(kind, url, done) {
    var n = (sequence[kind] = (sequence[kind] || 0) + 1);
    getJSON(url, function (data) { if (sequence[kind] === n) done(data); });
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function query(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  function percent(score) { return Math.round(score * 100) + "%"; }

  function phoneValue() { return phone.value.replace(/\s/g, ""); }

  phone.addEventListener("blur", function () {
    var value = phoneValue();
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
      box.appendChild(text("p", "共 " + data.requests.length + " 条（最近的在前）。"));
      box.appendChild(list);
    });
  });

  // A street picked from the list (static/js/pickers.js) sets its district: a name streets of several districts
  // share (八里庄街道 in 朝阳区 and 海淀区) is offered once per district. A name typed without picking is resolved
  // by the server within the district chosen, else it asks which district.
  var streetNote = $("street-note");
  street.addEventListener("unit-picked", function (e) {
    if (e.detail.district_id) district.value = String(e.detail.district_id);
    streetNote.textContent = "";
    showLead();
  });

  function showSuggested() {
    if (!leaf) return;
    var t = leaf.tiers[urgency.value];
    suggested.textContent = t.label + "（" + leaf.responsible + "）";
  }

  var choose = function (item) {
    leaf = item;
    leafInput.value = item.id;
    chosen.textContent = "已选：" + item.path + " → " + item.responsible;
    if (item.request_type && !requestType.value) requestType.value = item.request_type;  // the text's first
    results.textContent = "";
    showSuggested();
    markPressed(leafBox, String(item.id));
    clearError(leafInput);
  };

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

  // --- suggestion chips ---------------------------------------------------------------------------------------
  function markPressed(box, key) {
    Array.prototype.forEach.call(box.querySelectorAll("button[data-key]"), function (b) {
      b.setAttribute("aria-pressed", b.dataset.key === key ? "true" : "false");
    });
  }

  function chipList(box, title, listLabel) {
    box.textContent = "";
    box.appendChild(text("p", title, "muted suggest-title"));
    var list = document.createElement("ul");
    list.className = "chips";
    list.setAttribute("aria-label", listLabel);
    box.appendChild(list);
    return list;
  }

  function chip(list, key, label, detail, onClick) {
    var li = document.createElement("li");
    var b = text("button", label);
    b.type = "button";
    b.dataset.key = key;
    b.setAttribute("aria-pressed", "false");
    b.appendChild(text("span", " " + detail, "muted score"));
    b.addEventListener("click", onClick);
    li.appendChild(b);
    list.appendChild(li);
    return b;
  }

  var suggestLeaves = debounce(function () {
    var value = content.value.trim();
    if (value.length < 4) { leafBox.textContent = ""; return; }
    getLatest("leaves", form.dataset.suggestLeavesUrl + "?" + query({ text: value }), function (data) {
      if (!data.leaves.length) {
        leafBox.textContent = "";
        leafBox.appendChild(text("p", "未能从诉求内容判断目录，请在下方搜索。", "muted"));
        return;
      }
      var list = chipList(leafBox, "建议目录（按诉求内容，点击采用）：", "按内容建议的目录");
      data.leaves.forEach(function (item) {
        chip(list, String(item.id), item.path, "匹配度 " + percent(item.score), function () {
          choose(item);
          search.value = item.name;
        });
      });
      markPressed(leafBox, leafInput.value);
    });
  }, 400);

  function pickStreet(s) {
    district.value = String(s.district_id);
    street.value = s.name;
    streetNote.textContent = "";
    markPressed(streetBox, s.code);
    refreshRepeats();
  }

  var suggestStreets = debounce(function () {
    var value = address.value.trim();
    if (value.length < 2) { streetBox.textContent = ""; return; }
    getLatest("streets", form.dataset.suggestStreetsUrl + "?" + query({ address: value }), function (data) {
      if (!data.streets.length && !data.district) {
        streetBox.textContent = "";
        streetBox.appendChild(text("p", "未能从地址判断街乡镇，请手动选择。", "muted"));
        return;
      }
      var seen = {}, shared = data.streets.some(function (s) { return seen[s.name] || !(seen[s.name] = true); });
      var list = chipList(streetBox, "建议街乡镇（按事发地址，点击填入区和街乡镇）：" +
        (shared ? "同名街乡镇分属不同区，请按区选择。" : ""), "按地址建议的街道乡镇");
      data.streets.forEach(function (s) {
        var b = chip(list, s.code, s.name + "（" + s.district + "）", percent(s.score) + " · " + s.reason,
          function () { pickStreet(s); });
        if (street.value === s.name && district.value === String(s.district_id)) b.setAttribute("aria-pressed", "true");
      });
      if (!data.streets.length) {
        chip(list, "district-" + data.district.id, data.district.name, "仅能判断到区，请再选择街乡镇", function () {
          district.value = String(data.district.id);
          markPressed(streetBox, "district-" + data.district.id);
          street.focus();
        });
      }
    });
  }, 300);

  // --- possible repeat requests -------------------------------------------------------------------------------
  function showRepeats(rows) {
    repeatBox.textContent = "";
    if (!rows.length) { repeatBox.appendChild(text("p", "未发现可能重复的未结案工单。", "muted")); return; }
    repeatBox.appendChild(text("p", "共 " + rows.length + " 条。点击「关联为重复诉求」即受理本次来电并并入原工单，不再派单"
      + "（仍需填好诉求类型和目录）。"));
    var list = document.createElement("ul");
    list.className = "repeats";
    rows.forEach(function (r) {
      var li = document.createElement("li");
      var head = document.createElement("p");
      var a = text("a", r.number); a.href = r.url; a.target = "_blank";
      head.appendChild(a);
      head.appendChild(text("span", " " + r.received_at + " · " + r.status, "muted"));
      li.appendChild(head);
      li.appendChild(text("p", r.reason, "reason"));
      li.appendChild(text("p", r.content));
      var b = text("button", "关联为重复诉求");
      b.type = "submit";
      b.name = "repeat_of";
      b.value = r.id;
      b.setAttribute("aria-label", "关联为重复诉求（工单 " + r.number + "）");
      li.appendChild(b);
      list.appendChild(li);
    });
    repeatBox.appendChild(list);
  }

  var refreshRepeats = debounce(function () {
    var params = { phone: phoneValue(), content: content.value.trim(), street: street.value.trim(),
                   district: district.value };
    if (params.phone.length < 7 && !(params.street && params.content)) {
      repeatBox.textContent = "";
      repeatBox.appendChild(text("p", "填写电话、街乡镇和诉求内容后显示。", "muted"));
      return;
    }
    getLatest("repeats", form.dataset.suggestRepeatsUrl + "?" + query(params), function (data) {
      showRepeats(data.repeats);
    });
  }, 500);

  content.addEventListener("input", suggestLeaves);
  content.addEventListener("input", refreshRepeats);
  address.addEventListener("input", suggestStreets);
  phone.addEventListener("input", refreshRepeats);
  street.addEventListener("input", refreshRepeats);
  street.addEventListener("change", refreshRepeats);
  district.addEventListener("change", refreshRepeats);

  // --- 诉求类型 from the content: filled in until the agent chooses one themselves --------------------------------
  var typeBox = $("type-suggest"), typeChosen = !!requestType.value;
  requestType.addEventListener("change", function (e) { if (e.isTrusted) typeChosen = true; });
  var suggestType = debounce(function () {
    var value = content.value.trim();
    if (value.length < 2) { typeBox.textContent = ""; return; }
    getLatest("type", form.dataset.suggestTypeUrl + "?" + query({ text: value }), function (data) {
      typeBox.textContent = "";
      var t = data.request_type;
      if (!t) { typeBox.textContent = "未能从内容判断诉求类型，请选择。"; return; }
      typeBox.appendChild(text("span", "建议诉求类型：" + t.label + "（依据：" + t.cues.join("、") + "）"));
      if (!typeChosen) { requestType.value = t.value; clearError(requestType); return; }
      if (requestType.value !== t.value) {
        var b = text("button", "采用「" + t.label + "」");
        b.type = "button";
        b.className = "link";
        b.addEventListener("click", function () { requestType.value = t.value; clearError(requestType); });
        typeBox.appendChild(document.createTextNode(" "));
        typeBox.appendChild(b);
      }
    });
  }, 300);
  content.addEventListener("input", suggestType);

  // --- the content's length -------------------------------------------------------------------------------------
  var counter = $("content-counter"), maxLength = parseInt(counter.dataset.max, 10);
  function count() {
    var n = content.value.length;
    counter.textContent = "已输入 " + n + " / " + maxLength + " 字" + (n > maxLength ? "，超出 " + (n - maxLength) + " 字" : "");
    counter.className = "counter " + (n > maxLength ? "error" : n > maxLength * 0.9 ? "warn" : "muted");
  }
  content.addEventListener("input", count);

  // --- the lead unit the catalog and the address suggest; another one needs a reason ----------------------------
  var leadInput = $("id_lead_unit"), leadReason = $("id_lead_reason"), leadNote = $("lead-suggested");
  function suggestedLead() {
    if (!leaf) return "";
    if (leaf.responsible !== "属地街乡镇") return leaf.responsible;
    return street.value.trim() || (district.value ? district.options[district.selectedIndex].text : "");
  }
  function showLead() {
    var name = suggestedLead();
    if (name) leadNote.textContent = "目录建议的主办单位：" + name + "（不改则派给它；改为其他单位须填写理由）";
    var typed = leadInput.value.trim().replace(/（.*）$/, "");
    var overriding = typed && name && typed !== name;
    if (overriding) {
      leadReason.setAttribute("required", "");
      leadReason.dataset.requiredMessage = "主办单位与目录建议的「" + name + "」不同，请填写改变主办单位的理由";
    } else {
      leadReason.removeAttribute("required");
      delete leadReason.dataset.requiredMessage;
    }
  }
  leadInput.addEventListener("change", showLead);
  leadInput.addEventListener("input", showLead);
  street.addEventListener("change", showLead);
  district.addEventListener("change", showLead);
  var chooseLeaf = choose;
  choose = function (item) { chooseLeaf(item); showLead(); };

  // --- every problem at once, beside its field (the server says the same when the script is off) ----------------
  function errorFor(el) {
    var box = el.closest(".field");
    var id = (el === leafInput ? "id_catalog_item" : el.id) + "_error";
    var p = $(id);
    if (!p) {
      p = text("p", "", "error");
      p.id = id;
      p.setAttribute("role", "alert");
      box.appendChild(p);
    }
    return p;
  }
  function clearError(el) {
    var p = $((el === leafInput ? "id_catalog_item" : el.id) + "_error");
    if (p) p.remove();
    var target = el === leafInput ? search : el;
    target.removeAttribute("aria-invalid");
    if (el.closest(".field")) el.closest(".field").classList.remove("has-error");
  }
  function problem(el) {
    var value = el.value.trim();
    if (el === district && street.value.trim()) return "";  // the server takes the street's district
    if (el.dataset.requiredMessage && !value && (el.hasAttribute("required") || el === leafInput)) {
      return el.dataset.requiredMessage;
    }
    if (value && el.pattern && !new RegExp("^(?:" + el.pattern + ")$").test(value.replace(/\s/g, ""))) {
      return el.dataset.patternMessage || "格式不正确";
    }
    var max = parseInt(el.getAttribute("maxlength"), 10);
    if (max && el.value.length > max) return "不能超过" + max + "字（现有" + el.value.length + "字）";
    return "";
  }
  form.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    var answering = submitter && submitter.value === "answer";
    var first = null, problems = 0;
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "hidden" && el !== leafInput) return;
      if (el === leadReason && answering) return;
      var message = problem(el);
      if (!message) { if (el.closest(".field")) clearError(el); return; }
      problems += 1;
      var p = errorFor(el);
      p.textContent = message;
      var target = el === leafInput ? search : el;
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", p.id);
      el.closest(".field").classList.add("has-error");
      if (!first) first = target;
    });
    var summary = $("form-errors");
    if (!problems) { if (summary) summary.remove(); return; }
    e.preventDefault();
    if (!summary) {
      summary = text("p", "", "error");
      summary.id = "form-errors";
      summary.setAttribute("role", "alert");
      form.querySelector("h1").insertAdjacentElement("afterend", summary);
    }
    summary.textContent = "有 " + problems + " 项需要修改，见各字段下方的提示。";
    first.focus();
  });

  // A form shown again after an error keeps its values: show their suggestions at once.
  count();
  if (content.value.trim()) suggestType();
  if (content.value.trim()) suggestLeaves();
  if (address.value.trim()) suggestStreets();
  refreshRepeats();
})();
