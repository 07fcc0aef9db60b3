/* Passkeys (WebAuthn) for the sign-in, second-step and security pages.
 *
 * A form marked data-passkey="register" or data-passkey="sign_in" asks its data-options URL
 * for the ceremony's options (a POST carrying the form's CSRF token), lets the browser make
 * or use a passkey, puts the browser's answer as JSON in the form's "response" field and
 * submits the form as usual. Without JavaScript or WebAuthn the forms stay hidden.
 * Loaded from the portal's own origin: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { id: toBuffer(item.id), type: item.type, transports: item.transports };
    });
  }

  function askOptions(form) {
    var body = new FormData();
    body.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    return fetch(form.dataset.options, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("options " + answer.status); }
        return answer.json();
      });
  }

  function register(form) {
    return askOptions(form).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.user.id = toBuffer(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          attestationObject: toText(response.attestationObject),
          transports: response.getTransports ? response.getTransports() : []
        },
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment
      };
    });
  }

  function use(form) {
    return askOptions(form).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature),
          userHandle: response.userHandle ? toText(response.userHandle) : null
        },
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment
      };
    });
  }

  var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var button = form.querySelector("[data-passkey-button]");
    var problem = form.querySelector("[data-passkey-error]");
    var unsupported = form.querySelector("[data-passkey-unsupported]");
    if (!supported) { return; }
    if (unsupported) { unsupported.hidden = true; }
    if (button) { button.hidden = false; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (problem) { problem.hidden = true; }
      if (button) { button.disabled = true; }
      var ceremony = form.dataset.passkey === "register" ? register(form) : use(form);
      ceremony.then(function (answer) {
        form.querySelector("[name=response]").value = JSON.stringify(answer);
        form.submit();
      }).catch(function () {
        if (problem) { problem.hidden = false; }
        if (button) { button.disabled = false; }
      });
    });
  });
}());
