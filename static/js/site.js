// Progressive enhancements for Blogsite. Every page works without this file.
//
// Threads: each comment (class "comment") holds its replies, so the HTML nesting is the reply tree. A
// comment with replies gets a button that collapses and expands them. Long threads start with their
// deeper branches collapsed, except the branch that holds the comment named in the address (#c<pk>).
// The comments app's own script (comments.js) opens the reply form and finds a linked comment; this
// file only folds threads.
(function () {
  "use strict";

  // A thread with more comments than this starts with its replies below COLLAPSE_DEPTH folded.
  var LONG_THREAD = 12;
  var COLLAPSE_DEPTH = 3;

  function depthOf(comment) {
    var depth = 0;
    var parent = comment.parentElement && comment.parentElement.closest(".comment");
    while (parent) {
      depth += 1;
      parent = parent.parentElement && parent.parentElement.closest(".comment");
    }
    return depth;
  }

  function label(button, expanded) {
    var count = button.getAttribute("data-count");
    var noun = count === "1" ? "reply" : "replies";
    button.querySelector(".thread-toggle-text").textContent =
      (expanded ? "Hide " : "Show ") + count + " " + noun;
  }

  function setExpanded(button, container, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    container.classList.toggle("thread-collapsed", !expanded);
    label(button, expanded);
  }

  function enhanceComment(comment, collapse) {
    // The server writes a comment's replies into its own <div class="comment-replies">.
    var container = comment.querySelector(":scope > .comment-replies");
    if (!container || !container.querySelector(".comment")) {
      return;
    }
    if (!container.id) {
      container.id = (comment.id || "comment") + "-replies";
    }
    var button = document.createElement("button");
    button.type = "button";
    button.id = container.id + "-toggle";
    button.className = "thread-toggle";
    button.setAttribute("aria-controls", container.id);
    button.setAttribute("data-count", String(container.querySelectorAll(".comment").length));
    var text = document.createElement("span");
    text.className = "thread-toggle-text";
    button.appendChild(text);
    var author = comment.querySelector(".comment-author");
    if (author) {
      var who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = " to " + author.textContent.trim();
      button.appendChild(who);
    }
    button.addEventListener("click", function () {
      setExpanded(button, container, button.getAttribute("aria-expanded") !== "true");
    });
    // Beside the comment's own actions (Reply, Edit…) when it has them; otherwise just above its replies.
    var actions = null;
    for (var c = 0; c < comment.children.length; c++) {
      if (comment.children[c].classList.contains("comment-actions")) {
        actions = comment.children[c];
      }
    }
    if (actions) {
      actions.appendChild(button);
    } else {
      container.parentElement.insertBefore(button, container);
    }
    setExpanded(button, container, !collapse);
  }

  function targetedComment() {
    var id = window.location.hash.slice(1);
    if (!/^c\d+$/.test(id)) {
      return null;
    }
    return document.getElementById(id);
  }

  function revealTarget() {
    var target = targetedComment();
    var node = target;
    while (node) {
      var container = node.parentElement && node.parentElement.closest(".thread-collapsed");
      if (!container) {
        break;
      }
      var toggle = document.querySelector('.thread-toggle[aria-controls="' + container.id + '"]');
      if (toggle) {
        setExpanded(toggle, container, true);
      } else {
        container.classList.remove("thread-collapsed");
      }
      node = container;
    }
    if (target && target !== document.activeElement) {
      target.scrollIntoView({ block: "start" });
    }
  }

  function enhanceThreads() {
    var threads = document.querySelectorAll(".comments");
    for (var t = 0; t < threads.length; t++) {
      var thread = threads[t];
      var comments = thread.querySelectorAll(".comment");
      var long = comments.length > LONG_THREAD;
      for (var i = 0; i < comments.length; i++) {
        enhanceComment(comments[i], long && depthOf(comments[i]) >= COLLAPSE_DEPTH - 1);
      }
    }
  }

  // Marks the current section's link in the main navigation.
  function markCurrentNav() {
    var links = document.querySelectorAll(".site-header .nav-link[href]");
    var path = window.location.pathname;
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (href && href !== "/" && path.indexOf(href) === 0) {
        links[i].setAttribute("aria-current", "page");
      }
    }
  }

  function start() {
    markCurrentNav();
    enhanceThreads();
    revealTarget();
    window.addEventListener("hashchange", revealTarget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
