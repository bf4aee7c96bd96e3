/* The CRM kanban board: drag cards between stage columns (SortableJS) and save each move.
 *
 * A drop posts {stage_id, position} to the card's data-move-url with the CSRF token the shell puts on
 * <body hx-headers>; the answer is HTML holding the re-rendered card and every column's totals, swapped
 * in by id. A refused move (a lost card, no permission) puts the card back and shows the message.
 */
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function swapById(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[id]").forEach(function (fresh) {
      var current = document.getElementById(fresh.id);
      if (current) {
        current.replaceWith(fresh);
      }
    });
  }

  function showError(message) {
    var box = document.getElementById("crm-board-error");
    if (!box) {
      return;
    }
    box.textContent = message;
    box.classList.remove("d-none");
  }

  function putBack(event) {
    var before = event.from.children[event.oldIndex] || null;
    event.from.insertBefore(event.item, before);
  }

  function onEnd(event) {
    if (event.from === event.to && event.oldIndex === event.newIndex) {
      return;
    }
    var card = event.item;
    var body = new FormData();
    body.append("stage_id", event.to.dataset.stageId);
    body.append("position", String(event.newIndex));
    card.setAttribute("aria-busy", "true");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { ok: response.ok, text: text };
        });
      })
      .then(function (result) {
        card.removeAttribute("aria-busy");
        if (result.ok) {
          swapById(result.text);
        } else {
          putBack(event);
          showError(result.text);
        }
      })
      .catch(function () {
        card.removeAttribute("aria-busy");
        putBack(event);
        var board = document.querySelector("[data-crm-board]");
        showError(board ? board.dataset.errorMessage : "");
      });
  }

  function start() {
    var board = document.querySelector("[data-crm-board]");
    if (!board || board.hasAttribute("data-readonly") || typeof Sortable === "undefined") {
      return;
    }
    board.querySelectorAll("[data-crm-column]").forEach(function (column) {
      Sortable.create(column, {
        group: "crm-board",
        animation: 150,
        draggable: ".crm-card",
        onEnd: onEnd,
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
