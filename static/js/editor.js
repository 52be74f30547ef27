// The post editor's enhancements. The form works without this file: its buttons save, publish and
// schedule, and its Preview button shows the rendered post from the server.
//
// With it: a toolbar and shortcuts that edit the Markdown source (Ctrl/Cmd+B, I, K; S saves, Enter
// publishes), each change announced to screen readers; a live preview rendered by the server's own
// publishing pipeline; and autosave of what is typed (after a few seconds without typing, and when the
// page is left) into the writer's autosave record, which readers never see.
(function () {
  "use strict";

  // Words people read go through Django's JavaScript catalogue (posts:javascript_catalog), whose gettext()
  // and interpolate() the editor page loads before this file.
  var gettext = window.gettext;
  var interpolate = window.interpolate;

  var PREVIEW_DELAY = 600;
  var AUTOSAVE_DELAY = 3000;

  var form = document.getElementById("post-form");
  if (!form) {
    return;
  }
  var body = form.querySelector("[data-editor-body]");
  var toolbar = form.querySelector(".editor-toolbar");
  var announcer = document.getElementById("editor-announce");
  var autosaveStatus = document.getElementById("autosave-status");
  var preview = document.querySelector("[data-editor-preview]");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]");

  function announce(text) {
    if (!announcer) {
      return;
    }
    // Emptied first, so that the same words twice are announced twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 30);
  }

  // ---------------------------------------------------------------------------------------------------
  // Editing the Markdown source

  function replaceSelection(text, selectFrom, selectTo) {
    var start = body.selectionStart;
    body.focus();
    // execCommand keeps the browser's undo history; setRangeText is the standard fallback.
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || body.value.substr(start, text.length) !== text) {
      body.setRangeText(text, start, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (typeof selectFrom === "number") {
      body.setSelectionRange(start + selectFrom, start + selectTo);
    }
  }

  function selected() {
    return body.value.slice(body.selectionStart, body.selectionEnd);
  }

  function wrap(marker, placeholder) {
    var text = selected() || placeholder;
    replaceSelection(marker + text + marker, marker.length, marker.length + text.length);
  }

  function selectWholeLines() {
    var value = body.value;
    var start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = value.indexOf("\n", body.selectionEnd);
    if (end === -1) {
      end = value.length;
    }
    body.setSelectionRange(start, end);
  }

  function prefixLines(prefix, pattern) {
    selectWholeLines();
    var lines = selected().split("\n");
    var all = lines.every(function (line) {
      return pattern.test(line);
    });
    var changed = lines.map(function (line) {
      return all ? line.replace(pattern, "") : prefix + line;
    });
    var text = changed.join("\n");
    replaceSelection(text, 0, text.length);
    return !all;
  }

  var actions = {
    bold: function () {
      wrap("**", gettext("bold text"));
      return gettext("Bold added");
    },
    italic: function () {
      wrap("*", gettext("italic text"));
      return gettext("Italic added");
    },
    code: function () {
      var text = selected();
      if (text.indexOf("\n") !== -1) {
        replaceSelection("\n```\n" + text + "\n```\n", 5, 5 + text.length);
        return gettext("Code block added");
      }
      wrap("`", gettext("code"));
      return gettext("Code added");
    },
    link: function () {
      var text = selected() || gettext("link text");
      var url = "https://";
      var markdown = "[" + text + "](" + url + ")";
      replaceSelection(markdown, text.length + 3, text.length + 3 + url.length);
      return gettext("Link added; type its address");
    },
    heading: function () {
      return prefixLines("## ", /^#{1,6} /) ? gettext("Heading added") : gettext("Heading removed");
    },
    quote: function () {
      return prefixLines("> ", /^> ?/) ? gettext("Quote added") : gettext("Quote removed");
    },
    list: function () {
      return prefixLines("- ", /^[-*+] /) ? gettext("List added") : gettext("List removed");
    },
    picture: function () {
      // A picture tool on the page (pictures.js's uploader, say) answers the event "editor:picture" by
      // opening its chooser and calling preventDefault(); when none answers, a picture's Markdown is
      // written for the writer to complete.
      var event = new CustomEvent("editor:picture", { bubbles: true, cancelable: true });
      if (!body.dispatchEvent(event)) {
        return "";
      }
      var alt = gettext("Describe the picture");
      replaceSelection("![" + alt + "](https://)", 2, 2 + alt.length);
      return gettext("Picture added; describe it, then give its address");
    },
  };

  function run(name) {
    var action = actions[name];
    if (!action) {
      return;
    }
    var message = action();
    if (message) {
      announce(message);
    }
  }

  if (body && toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-editor-action]");
      if (button) {
        run(button.getAttribute("data-editor-action"));
      }
    });
  }

  function press(selector) {
    var button = form.querySelector(selector);
    if (!button) {
      return;
    }
    announce(button.textContent.trim() + "…");
    if (form.requestSubmit) {
      form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  form.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      press("[data-editor-save]");
    } else if (key === "enter") {
      event.preventDefault();
      press("[data-editor-publish]");
    } else if (event.target === body && !event.shiftKey && (key === "b" || key === "i" || key === "k")) {
      event.preventDefault();
      run({ b: "bold", i: "italic", k: "link" }[key]);
    }
  });

  // ---------------------------------------------------------------------------------------------------
  // Talking to the server

  function post(url, fields, options) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
    data.append("post", form.getAttribute("data-post") || "");
    Object.keys(fields).forEach(function (name) {
      data.append(name, fields[name]);
    });
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      keepalive: Boolean(options && options.keepalive),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { error: interpolate(gettext("The server answered %s."), [response.status]) };
        })
        .then(function (json) {
          if (!response.ok) {
            throw new Error(json.error || interpolate(gettext("The server answered %s."), [response.status]));
          }
          return json;
        });
    });
  }

  function field(name) {
    var element = form.elements.namedItem(name);
    return element && typeof element.value === "string" ? element.value : "";
  }

  // Live preview ---------------------------------------------------------------------------------------

  var previewTimer = null;
  var previewSerial = 0;

  function showPreview(html) {
    var title = document.createElement("p");
    title.className = "h2 preview-title";
    title.textContent = field("title");
    var content = document.createElement("div");
    content.className = "post-body";
    // Sanitized on the server by the same allow-list as every published post.
    content.innerHTML = html;
    preview.replaceChildren(title, content);
  }

  function refreshPreview() {
    var serial = ++previewSerial;
    var section = preview.closest(".editor-preview");
    section.setAttribute("aria-busy", "true");
    post(form.getAttribute("data-preview-url"), { body: field("body") })
      .then(function (json) {
        if (serial === previewSerial) {
          showPreview(json.html);
        }
      })
      .catch(function (error) {
        if (serial === previewSerial) {
          var message = document.createElement("p");
          message.className = "text-danger";
          message.textContent = interpolate(gettext("The preview could not be updated: %s"), [error.message]);
          preview.replaceChildren(message);
        }
      })
      .then(function () {
        if (serial === previewSerial) {
          section.removeAttribute("aria-busy");
        }
      });
  }

  function schedulePreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, PREVIEW_DELAY);
  }

  // Autosave ------------------------------------------------------------------------------------------

  var autosaveTimer = null;
  var dirty = false;
  var submitting = false;

  function autosaveFields() {
    return { title: field("title"), body: field("body"), labels: field("labels"), excerpt: field("excerpt") };
  }

  function autosave(options) {
    window.clearTimeout(autosaveTimer);
    if (!dirty || submitting) {
      return;
    }
    dirty = false;
    autosaveStatus.textContent = gettext("Keeping your changes…");
    post(form.getAttribute("data-autosave-url"), autosaveFields(), options)
      .then(function (json) {
        autosaveStatus.textContent = json.message;
        form.setAttribute("data-autosaved-at", json.saved_at);
      })
      .catch(function (error) {
        dirty = true;
        autosaveStatus.textContent = interpolate(gettext("Your changes could not be kept: %s"), [error.message]);
      });
  }

  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (name === "title" || name === "body") {
      schedulePreview();
    }
    if (name === "title" || name === "body" || name === "labels" || name === "excerpt") {
      dirty = true;
      window.clearTimeout(autosaveTimer);
      autosaveTimer = window.setTimeout(autosave, AUTOSAVE_DELAY);
    }
  });

  form.addEventListener("submit", function () {
    // The form's own save replaces the autosave; a late autosave must not bring it back.
    submitting = true;
    window.clearTimeout(autosaveTimer);
  });

  function leaving() {
    autosave({ keepalive: true });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      leaving();
    }
  });
  window.addEventListener("pagehide", leaving);
  window.addEventListener("pageshow", function (event) {
    // Back from the browser's cache after a submit: the page is live again.
    if (event.persisted) {
      submitting = false;
    }
  });

  if (preview && body && body.value.trim() && !preview.querySelector(".post-body")) {
    refreshPreview();
  }
})();
