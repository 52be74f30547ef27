// Pictures in the post editor: a button, drag and drop, and paste from the clipboard upload a picture to the
// media library and insert its Markdown, ![alt](address), where the cursor was. Each asks for alt text
// first. Pictures without alt text in the body are counted and flagged as one types.
//
// Other scripts (the editor's toolbar) open the same chooser by dispatching the cancelable event
// "editor:picture" on the document or inside it; it is answered with preventDefault(). After an insertion the textarea gets an "input"
// event, and the document "editor:picture-inserted" (detail: the picture's JSON), so previews and autosave
// notice. The page works without this file: the "Add a picture" link gives the Markdown to paste.
(function () {
  "use strict";

  // Words people read go through Django's JavaScript catalogue (posts:javascript_catalog), whose gettext()
  // and interpolate() the editor page loads before this file.
  var gettext = window.gettext;
  var interpolate = window.interpolate;

  var NO_ALT = /!\[[ \t]*\]\(/g;

  function csrfToken(root) {
    var form = root.closest("form");
    var input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function imageFiles(list) {
    var files = [];
    for (var i = 0; list && i < list.length; i += 1) {
      var item = list[i];
      var file = typeof item.getAsFile === "function" ? (item.kind === "file" ? item.getAsFile() : null) : item;
      if (file && /^image\//.test(file.type || "")) {
        files.push(file);
      }
    }
    return files;
  }

  function setup(root) {
    var textarea = document.getElementById(root.getAttribute("data-target"));
    if (!textarea) {
      return;
    }
    var url = root.getAttribute("data-upload-url");
    var pick = root.querySelector("[data-picture-pick]");
    var fileInput = root.querySelector("[data-picture-file]");
    var status = root.querySelector("[data-picture-status]");
    var warning = root.querySelector("[data-picture-alt-warning]");
    var count = root.querySelector("[data-picture-alt-count]");
    var dialog = root.querySelector("[data-picture-dialog]");
    var altInput = root.querySelector("[data-picture-alt]");
    var nameLine = root.querySelector("[data-picture-name]");
    var uploadButton = root.querySelector("[data-picture-upload]");
    var cancelButton = root.querySelector("[data-picture-cancel]");
    var pending = null;

    // Beside the body's own field rather than above the whole form.
    var field = textarea.closest(".mb-3") || textarea.parentElement;
    if (field && field.parentElement) {
      field.parentElement.insertBefore(root, field);
    }
    pick.hidden = false;
    root.querySelector("[data-picture-hint]").hidden = false;

    function say(message, isError) {
      status.textContent = message;
      status.classList.toggle("text-danger", Boolean(isError));
      status.setAttribute("role", isError ? "alert" : "status");
    }

    function flagMissingAlt() {
      var missing = (textarea.value.match(NO_ALT) || []).length;
      count.textContent = String(missing);
      warning.hidden = missing === 0;
    }

    function insertAt(start, end, text) {
      var before = textarea.value.slice(0, start);
      var after = textarea.value.slice(end);
      var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
      var tail = after && !/^\n\n/.test(after) ? (/^\n/.test(after) ? "\n" : "\n\n") : "";
      textarea.value = before + lead + text + tail + after;
      var caret = (before + lead + text).length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(file, alt, start, end) {
      var data = new FormData();
      data.append("file", file, file.name || "pasted-picture");
      data.append("alt", alt);
      say("Uploading " + (file.name || "the picture") + "…");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(root) },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return { error: interpolate(gettext("The upload failed (%s). Please try again."), [response.status]) };
            })
            .then(function (body) {
              if (!response.ok) {
                throw new Error(body.error || gettext("The upload failed. Please try again."));
              }
              return body;
            });
        })
        .then(function (picture) {
          insertAt(start, end, picture.markdown);
          say(picture.alt ? gettext("Picture inserted.") : gettext("Picture inserted, without alt text: please describe it."));
          document.dispatchEvent(new CustomEvent("editor:picture-inserted", { detail: picture }));
        })
        .catch(function (error) {
          say(error.message || gettext("The upload failed. Please try again."), true);
        });
    }

    function ask(file) {
      // Where the Markdown goes: the cursor as it was when the picture was chosen.
      pending = { file: file, start: textarea.selectionStart, end: textarea.selectionEnd };
      nameLine.textContent = file.name ? file.name : gettext("A picture from the clipboard");
      altInput.value = "";
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
        altInput.focus();
      } else {
        upload(file, window.prompt(gettext("Alt text: what does the picture show?")) || "", pending.start, pending.end);
        pending = null;
      }
    }

    function close() {
      if (dialog.open) {
        dialog.close();
      }
    }

    uploadButton.addEventListener("click", function () {
      var job = pending;
      pending = null;
      close();
      if (job) {
        upload(job.file, altInput.value.trim(), job.start, job.end);
      }
    });
    cancelButton.addEventListener("click", function () {
      pending = null;
      close();
      textarea.focus();
    });
    altInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        uploadButton.click();
      }
    });
    dialog.addEventListener("close", function () {
      pending = null;
    });

    function choose() {
      fileInput.value = "";
      fileInput.click();
    }
    pick.addEventListener("click", choose);
    // Answered (preventDefault) so that the asking script, such as the editor's toolbar, adds nothing itself;
    // an uploader taken off the page no longer answers.
    document.addEventListener("editor:picture", function (event) {
      if (!root.isConnected) {
        return;
      }
      event.preventDefault();
      choose();
    });
    fileInput.addEventListener("change", function () {
      var files = imageFiles(fileInput.files);
      if (files.length) {
        ask(files[0]);
      } else if (fileInput.files.length) {
        say(gettext("That file is not a picture. Choose a JPEG, PNG, GIF or WebP."), true);
      }
    });

    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        textarea.classList.add("picture-drop-target");
      }
    });
    textarea.addEventListener("dragleave", function () {
      textarea.classList.remove("picture-drop-target");
    });
    textarea.addEventListener("drop", function (event) {
      textarea.classList.remove("picture-drop-target");
      var files = imageFiles(event.dataTransfer && event.dataTransfer.files);
      if (files.length) {
        event.preventDefault();
        ask(files[0]);
      }
    });
    textarea.addEventListener("paste", function (event) {
      var files = imageFiles(event.clipboardData && event.clipboardData.items);
      if (files.length) {
        event.preventDefault();
        ask(files[0]);
      }
    });
    textarea.addEventListener("input", flagMissingAlt);
    flagMissingAlt();
  }

  document.querySelectorAll("[data-picture-uploader]").forEach(setup);
})();
