/* The outbox: what a reporter sends waits in this browser (IndexedDB), with its files and the
   client key made when the form was opened, until the server has it. A submission goes by
   fetch when the form is sent, and again on the `online` event, on every page load and on a
   retry timer, until the server answers; the client key makes a retried one stored once.
   Without this script the forms post normally. */
(function () {
  "use strict";

  var DB_NAME = "abide-outbox";
  var STORE = "submissions";
  var RETRY_FIRST_MS = 3000;
  var RETRY_MAX_MS = 60000;

  var status = document.querySelector("[data-outbox-status]");
  // Whose submissions this page sends: each waits for the user who made it.
  var user = status ? status.dataset.user : "";
  var form = document.querySelector("form[data-outbox]");
  var retryDelay = RETRY_FIRST_MS;
  var retryTimer = null;
  var flushing = null;
  // The key of the submission this page just sent: when it is stored, the page goes to it.
  var sentFromHere = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- IndexedDB ---------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = action(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function allItems() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || [])
        .filter(function (item) { return item.user === user; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }
  function putItem(item) { return withStore("readwrite", function (store) { return store.put(item); }); }
  function deleteItem(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }

  // --- what is shown -----------------------------------------------------------------------

  function fill(template, count) { return template.replace("%(count)s", String(count)); }

  function showStatus(items, note) {
    if (!status) return;
    var waiting = items.filter(function (item) { return item.state !== "refused"; }).length;
    var refused = items.length - waiting;
    var parts = [];
    if (waiting) parts.push(fill(status.dataset.waiting, waiting));
    if (refused) parts.push(fill(status.dataset.refused, refused));
    if (note) parts.push(note);
    status.textContent = parts.join(" · ");
    status.hidden = parts.length === 0;
    status.dataset.waitingCount = String(waiting);
  }

  function refresh(note) {
    return allItems().then(function (items) { showStatus(items, note); return items; });
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showErrors(target, errors) {
    target.querySelectorAll(".field").forEach(function (field) {
      field.classList.remove("invalid");
      var list = field.querySelector(".errorlist");
      if (list) list.innerHTML = "";
      field.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    });
    var summary = target.querySelector("[data-error-summary]");
    var general = target.querySelector("[data-nonfield-errors]");
    if (general) general.innerHTML = "";
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var field = target.querySelector('.field[data-field="' + name + '"]');
      var list = field ? field.querySelector(".errorlist") : general;
      if (field) {
        field.classList.add("invalid");
        field.querySelectorAll("input, select, textarea").forEach(function (input) { input.setAttribute("aria-invalid", "true"); });
        first = first || field;
      }
      errors[name].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        if (list) list.appendChild(item);
      });
    });
    if (summary) {
      summary.hidden = false;
      (first || summary).scrollIntoView({ block: "center" });
    }
  }

  // --- sending -----------------------------------------------------------------------------

  function formItem(target) {
    var fields = [];
    new FormData(target).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return; // the cookie's token is sent at send time
      if (value instanceof File) {
        if (!value.name && !value.size) return; // an empty file input
        fields.push({ name: name, blob: value, filename: value.name });
      } else {
        fields.push({ name: name, value: value });
      }
    });
    var key = target.querySelector('[name="client_key"]').value;
    return {
      key: key,
      kind: target.dataset.outbox,
      user: user,
      url: target.action,
      fields: fields,
      created: Date.now(),
      state: "waiting",
    };
  }

  function body(item) {
    var data = new FormData();
    data.append("outbox_user", item.user); // the server keeps it for the user who made it
    item.fields.forEach(function (field) {
      if (field.blob) data.append(field.name, field.blob, field.filename);
      else data.append(field.name, field.value);
    });
    return data;
  }

  // Sends one submission; says what became of it: sent, invalid, signin, refused or failed.
  function send(item) {
    return fetch(item.url, {
      method: "POST",
      body: body(item),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0
        ? response.json() : Promise.resolve({});
      return json.then(function (answer) {
        if (response.ok) return { outcome: "sent", url: answer.url };
        if (response.status === 422) return { outcome: "invalid", errors: answer.errors || {} };
        if (response.status === 401 || response.status === 409) return { outcome: "signin" };
        if (response.status === 403 || response.status === 400) return { outcome: "refused", errors: { __all__: [answer.error || response.statusText] } };
        return { outcome: "failed" };
      });
    }, function () { return { outcome: "failed" }; });
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function flushOnce() {
    return allItems().then(function (items) {
      var pending = items.filter(function (item) { return item.state !== "refused"; });
      var note = "";
      var chain = Promise.resolve(false);
      pending.forEach(function (item) {
        chain = chain.then(function (stop) {
          if (stop) return true;
          return send(item).then(function (result) {
            if (result.outcome === "sent") {
              return deleteItem(item.key).then(function () {
                if (item.key === sentFromHere && result.url) {
                  window.location.assign(result.url);
                  return true;
                }
                return false;
              });
            }
            if (result.outcome === "invalid" || result.outcome === "refused") {
              if (item.key === sentFromHere && form) {
                // The form still holds what was sent: the errors go beside its fields.
                showErrors(form, result.errors);
                return deleteItem(item.key).then(function () { return false; });
              }
              item.state = "refused";
              item.errors = result.errors;
              return putItem(item).then(function () { return false; });
            }
            if (result.outcome === "signin") note = status ? status.dataset.signin : "";
            scheduleRetry();
            return true; // offline or the server unwell: the rest waits too
          });
        });
      });
      return chain.then(function (stopped) {
        if (!stopped) retryDelay = RETRY_FIRST_MS;
        return refresh(note);
      });
    });
  }

  function flush() {
    if (flushing) return flushing.then(flush); // what was added meanwhile goes next

    var run = function () { return flushOnce(); };
    flushing = (navigator.locks ? navigator.locks.request("abide-outbox", run) : run())
      .catch(function () { scheduleRetry(); })
      .then(function () { flushing = null; });
    return flushing;
  }

  // --- the form ----------------------------------------------------------------------------

  function newKey(target) {
    var input = target.querySelector('[name="client_key"]');
    if (input && !input.value) input.value = uuid();
  }

  // A refused submission of this page's kind comes back into the form, errors beside fields.
  function restoreRefused(target, items) {
    var item = items.find(function (i) { return i.state === "refused" && i.kind === target.dataset.outbox; });
    if (!item) return Promise.resolve();
    var files = {};
    item.fields.forEach(function (field) {
      var input = target.querySelector('[name="' + field.name + '"]');
      if (!input) return;
      if (field.blob) {
        (files[field.name] = files[field.name] || []).push(new File([field.blob], field.filename, { type: field.blob.type }));
      } else if (input.type === "checkbox") {
        input.checked = true;
      } else {
        input.value = field.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    Object.keys(files).forEach(function (name) {
      var transfer = new DataTransfer();
      files[name].forEach(function (file) { transfer.items.add(file); });
      target.querySelector('[name="' + name + '"]').files = transfer.files;
    });
    showErrors(target, item.errors || {});
    return deleteItem(item.key);
  }

  if (form && window.indexedDB && window.fetch && user) {
    newKey(form);
    form.classList.add("js");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = formItem(form);
      sentFromHere = item.key;
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      putItem(item).then(function () {
        return refresh(status ? status.dataset.sending : "");
      }).then(flush).then(function () {
        return allItems();
      }).then(function (items) {
        if (button) button.disabled = false;
        var stillWaiting = items.some(function (i) { return i.key === item.key; });
        if (stillWaiting) {
          // Kept in this browser: the form is ready for the next report, with a new key.
          sentFromHere = null;
          form.reset();
          form.querySelector('[name="client_key"]').value = "";
          newKey(form);
          form.dispatchEvent(new CustomEvent("abide:reset", { bubbles: true }));
          refresh(status ? status.dataset.offline : "");
        }
      });
    });
  }

  if (window.indexedDB && window.fetch && user) {
    var restored = form ? allItems().then(function (items) { return restoreRefused(form, items); }) : Promise.resolve();
    restored.then(flush);
    window.addEventListener("online", function () {
      retryDelay = RETRY_FIRST_MS;
      flush();
    });
    window.addEventListener("offline", function () {
      refresh(status ? status.dataset.offline : "");
    });
    setInterval(flush, RETRY_MAX_MS);
  }

  var worker = document.querySelector("[data-sw]");
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker.dataset.sw, { scope: "/" }).catch(function () {});
  }
})();
