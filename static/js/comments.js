// Comment threads: open the reply form in place, and find a linked comment on another page of threads.
// Without this file, Reply links lead to a reply page and #c<id> links to the first page.
(function () {
  "use strict";

  function locateLinkedComment() {
    var match = /^#c(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("c" + match[1])) return;
    var params = new URLSearchParams(window.location.search);
    if (params.get("comment")) return;  // The server already looked for it: it isn't visible.
    var section = document.getElementById("comments");
    if (!section) return;
    params.set("comment", match[1]);
    ["cstart", "cbefore", "clatest"].forEach(function (name) { params.delete(name); });
    window.location.replace(section.dataset.postUrl + "?" + params.toString() + window.location.hash);
  }

  function setUpReplies() {
    var form = document.getElementById("comment-form");
    if (!form) return;
    var home = form.parentNode;
    var anchor = form.nextSibling;
    var parentInput = form.querySelector("input[name=parent]");
    var heading = document.getElementById("comment-form-heading");
    var headingText = heading ? heading.textContent : "";
    var cancel = form.querySelector(".comment-cancel-reply");
    var body = form.querySelector("textarea[name=body]");
    var submit = form.querySelector("button[type=submit]");
    var submitText = submit ? submit.textContent : "";

    function reset() {
      home.insertBefore(form, anchor);
      if (parentInput) parentInput.value = "";
      if (heading) heading.textContent = headingText;
      if (submit) submit.textContent = submitText;
      if (cancel) cancel.hidden = true;
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest(".comment-reply-link");
      if (!link || !parentInput) return;
      var comment = document.getElementById("c" + link.dataset.parent);
      if (!comment) return;
      event.preventDefault();
      var actions = comment.querySelector(":scope > .comment-actions");
      comment.insertBefore(form, actions ? actions.nextSibling : null);
      parentInput.value = link.dataset.parent;
      var author = comment.querySelector(":scope > .comment-meta .comment-author");
      if (heading) heading.textContent = "Your reply to " + (author ? author.textContent : "this comment");
      if (submit) submit.textContent = "Post reply";
      if (cancel) cancel.hidden = false;
      if (body) body.focus();
    });
    if (cancel) {
      cancel.addEventListener("click", function () {
        reset();
        if (body) body.focus();
      });
    }
  }

  function start() {
    locateLinkedComment();
    setUpReplies();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
