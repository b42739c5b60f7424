// 知识库参考 on the intake page: while the agent types the content, the best published articles appear beside the
// form (debounced, the latest answer wins); the panel's own box searches the base (logged for the owners' 查而未得).
// 采用此答复 puts the article's text into 答复内容 (still editable) and records the cited version for 直接答复.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  var box = document.getElementById("kb-suggest");
  if (!form || !box || !form.dataset.kbSuggestUrl) return;
  var content = document.getElementById("id_content"), answer = document.getElementById("id_answer");
  var cited = document.getElementById("id_cited_version"), searchId = document.getElementById("id_kb_search");
  var citedBox = document.getElementById("kb-cited"), citedText = document.getElementById("kb-cited-text");
  var q = document.getElementById("kb-q"), go = document.getElementById("kb-go");
  var sequence = 0, timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function cite(article, fromSearch) {
    answer.value = article.answer;
    cited.value = String(article.version_id);
    searchId.value = fromSearch || "";
    citedText.textContent = "依据知识库：" + article.citation;
    citedBox.hidden = false;
    answer.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function show(data, fromSearch) {
    box.textContent = "";
    if (!data.articles.length) {
      box.appendChild(el("p", "muted", fromSearch ? "知识库中没有找到相关条目" : "暂无匹配的知识库条目"));
      return;
    }
    var list = el("ul", "kb-suggest-list");
    data.articles.forEach(function (a) {
      var item = el("li");
      var title = el("p", "kb-hit");
      title.innerHTML = a.title_html;  // escaped by the server, terms in <mark>
      var snippet = el("p", "kb-snippet");
      snippet.innerHTML = a.snippet_html;
      var meta = el("p", "muted", a.owner + " · 第" + a.number + "版" + (a.document_number ? " · " + a.document_number : ""));
      var buttons = el("div", "kb-buttons");
      var use = el("button", "primary", "采用此答复");
      use.type = "button";
      use.setAttribute("aria-label", "采用「" + title.textContent + "」的答复");
      use.addEventListener("click", function () { cite(a, data.search_id); });
      var open = el("a", "button", "查看全文");
      open.href = a.url;
      open.target = "_blank";
      open.rel = "noopener";
      buttons.appendChild(use);
      buttons.appendChild(open);
      [title, snippet, meta, buttons].forEach(function (n) { item.appendChild(n); });
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function fetchArticles(params, fromSearch) {
    var n = ++sequence;
    var url = form.dataset.kbSuggestUrl + "?" + Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && n === sequence) show(data, fromSearch ? data.search_id || "" : ""); })
      .catch(function () {});
  }

  content.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = content.value.trim();
      if (text.length >= 2) fetchArticles({ text: text.slice(0, 2000) }, false);
    }, 300);
  });
  function search() {
    var words = q.value.trim();
    if (words) fetchArticles({ q: words.slice(0, 200) }, true);
  }
  go.addEventListener("click", search);
  q.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); search(); } });
  document.getElementById("kb-uncite").addEventListener("click", function () {
    cited.value = "";
    searchId.value = "";
    citedBox.hidden = true;
  });
})();
