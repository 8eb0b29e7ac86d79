// TokenSdk token management page. Vanilla JavaScript, no dependencies, no inline script or style (the page's CSP
// forbids both). Rules kept throughout: API data reaches the DOM through textContent only; a secret lives only in the
// details dialog while it is open (never in a URL, web storage, the console or a log) and is wiped when it closes.
'use strict';

(() => {
  const assetsUrl = new URL('.', document.currentScript.src);
  const contextUrl = new URL('../context', assetsUrl);
  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const CSV_FILE_NAME = 'GeneratedToken.csv';

  let context = null;
  const rolesById = new Map();
  let tokens = [];
  // The details shown once: set while the details dialog is open, null otherwise.
  let shown = null;
  let downloadUrl = null;
  const invokers = new Map();

  const $ = (id) => document.getElementById(id);

  /** Creates an element; attributes are set as attributes and children appended as text or nodes, never as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function setMessage(node, text) {
    node.textContent = text || '';
    show(node, Boolean(text));
  }

  function formatInstant(text) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? String(text) : dateFormat.format(date);
  }

  function timeElement(text) {
    return el('time', { datetime: text }, formatInstant(text));
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  function apiUrl(path) {
    return context.apiBase + path;
  }

  async function request(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (context && context.antiforgery) {
      headers[context.antiforgery.headerName] = context.antiforgery.requestToken;
    }
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'follow' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiError('The server could not be reached. Check your connection and try again.', 0);
    }

    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    const json = type.includes('json') ? await response.json().catch(() => null) : null;
    if (response.ok && json !== null) return json;
    if (response.ok || response.redirected) {
      throw new ApiError('Your session may have ended: reload the page to sign in again.', response.status);
    }
    throw new ApiError(errorMessage(response.status, json), response.status);
  }

  function errorMessage(status, body) {
    if (body && Array.isArray(body.errors) && body.errors.length > 0 && body.errors[0] && body.errors[0].message) {
      return String(body.errors[0].message);
    }
    if (body && (body.detail || body.title)) return String(body.detail || body.title);
    if (status === 401) return 'You are not signed in: reload the page to sign in again.';
    if (status === 403) return 'You are not allowed to do this.';
    return `The request failed (HTTP ${status}).`;
  }

  // ---- Roles and the generate form ------------------------------------------------------------------------------

  function roleNames(roleIds) {
    const ids = [];
    for (const entry of roleIds || []) {
      for (const id of String(entry).split(',')) {
        if (id) ids.push(id);
      }
    }
    return ids.map((id) => (rolesById.get(id) ? rolesById.get(id).name : id));
  }

  function renderRoles() {
    const list = $('role-list');
    list.replaceChildren();
    const defaults = context.roles.filter((r) => r.isDefault);
    const custom = context.roles.filter((r) => !r.isDefault);
    let index = 0;
    for (const [title, roles] of [['Default roles', defaults], ['Custom roles', custom]]) {
      if (roles.length === 0) continue;
      list.append(el('p', { class: 'role-list-title muted' }, title));
      for (const role of roles) {
        const id = `role-${index}`;
        const hintId = `${id}-hint`;
        const hint = role.grantable ? role.description : role.notGrantableReason;
        const input = el('input', {
          type: 'radio', name: 'role', id, value: role.id,
          disabled: !role.grantable, 'aria-describedby': hint ? hintId : null,
        });
        input.addEventListener('change', () => showRoleDetails(role));
        const label = el('label', { for: id }, role.name);
        const tag = role.isDefault ? null : el('span', { class: 'tag' }, 'Custom');
        const text = el('div', {}, label, tag, hint ? el('span', { class: 'hint', id: hintId }, hint) : null);
        list.append(el('div', { class: role.grantable ? 'choice' : 'choice disabled', 'data-role-id': role.id }, input, text));
        index++;
      }
    }
  }

  function showRoleDetails(role) {
    $('role-details-name').textContent = role.name;
    setMessage($('role-details-description'), role.description);
    $('role-details-resources').textContent = role.resources.length === 0
      ? 'Applies to every resource of the organization.'
      : `Applies to: ${role.resources.join(', ')}`;
    const groups = $('role-details-groups');
    groups.replaceChildren();
    for (const group of role.permissionGroups) {
      groups.append(el('section', { class: 'permission-group', 'data-group': group.id },
        el('h4', {}, group.label),
        el('ul', {}, ...group.permissions.map((p) => el('li', {}, p)))));
    }
    if (role.permissionGroups.length === 0) {
      groups.append(el('p', { class: 'muted' }, 'This role grants no permission.'));
    }
    show($('role-details'), true);
  }

  function selectedRole() {
    const checked = document.querySelector('input[name="role"]:checked');
    return checked ? rolesById.get(checked.value) : null;
  }

  async function onGenerate(event) {
    event.preventDefault();
    const error = $('generate-error');
    setMessage(error, '');
    const role = selectedRole();
    if (!role) {
      setMessage(error, 'Choose a role for the token.');
      const first = document.querySelector('input[name="role"]:not(:disabled)');
      if (first) first.focus();
      return;
    }

    const body = { roles: [role.id] };
    const description = $('token-description').value.trim();
    if (description) body.description = description;
    const expiryText = $('token-expiry').value;
    if (expiryText) {
      const expiry = new Date(expiryText);
      if (Number.isNaN(expiry.getTime()) || expiry.getTime() <= Date.now()) {
        setMessage(error, 'The expiry must be a date and time in the future.');
        $('token-expiry').focus();
        return;
      }
      body.tokenExpiry = expiry.toISOString();
    }

    const button = $('generate-button');
    button.disabled = true;
    let details;
    try {
      details = await request('POST', apiUrl('/clientIdSecrets'), body);
    } catch (e) {
      setMessage(error, e.message);
      return;
    } finally {
      // Enabled again before the dialog opens, so that focus can return to it when the dialog closes.
      button.disabled = false;
    }
    $('token-description').value = '';
    $('token-expiry').value = '';
    showDetails(details, button, 'Token details', '');
    await loadTokens();
  }

  // ---- The details dialog (shown once) --------------------------------------------------------------------------

  function showDetails(details, invoker, title, note) {
    shown = {
      clientId: String(details.clientId || ''),
      secret: String(details.secret || ''),
      token: String(details.token || ''),
      roleNames: roleNames(details.roles),
    };
    $('details-title').textContent = title;
    setMessage($('details-note'), note);
    $('detail-client-id').textContent = shown.clientId;
    $('detail-secret').textContent = shown.secret;
    $('detail-token').textContent = shown.token;
    $('details-status').textContent = '';
    openDialog($('details-dialog'), invoker);
    document.querySelector('#details-dialog button.copy').focus();
  }

  function clearDetails() {
    shown = null;
    for (const id of ['detail-client-id', 'detail-secret', 'detail-token']) {
      $(id).textContent = '';
    }
    $('details-status').textContent = '';
    revokeDownload();
  }

  const detailFields = { 'detail-client-id': ['clientId', 'Client ID'], 'detail-secret': ['secret', 'Client Secret'], 'detail-token': ['token', 'Token'] };

  async function onCopy(event) {
    const targetId = event.currentTarget.getAttribute('data-copy');
    const [field, label] = detailFields[targetId];
    if (!shown) return;
    const status = $('details-status');
    try {
      await navigator.clipboard.writeText(shown[field]);
      status.textContent = `${label} copied to the clipboard.`;
    } catch {
      // Without clipboard access: select the value so that the person can copy it themselves.
      const selection = window.getSelection();
      selection.removeAllRanges();
      const range = document.createRange();
      range.selectNodeContents($(targetId));
      selection.addRange(range);
      status.textContent = `${label} selected: press Ctrl+C (or ⌘C) to copy it.`;
    }
  }

  /** The same text as GeneratedToken.ToCsv(): every field quoted, quotes doubled, CRLF line ends. */
  function toCsv(details) {
    const quote = (value) => `"${String(value).replaceAll('"', '""')}"`;
    return 'Client Id,Client Secret,Role,Token\r\n'
      + [details.clientId, details.secret, details.roleNames.join(', '), details.token].map(quote).join(',') + '\r\n';
  }

  function revokeDownload() {
    if (downloadUrl) {
      URL.revokeObjectURL(downloadUrl);
      downloadUrl = null;
    }
  }

  function onDownload() {
    if (!shown) return;
    revokeDownload();
    downloadUrl = URL.createObjectURL(new Blob([toCsv(shown)], { type: 'text/csv;charset=utf-8' }));
    const link = el('a', { href: downloadUrl, download: CSV_FILE_NAME, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    const url = downloadUrl;
    setTimeout(() => { if (downloadUrl === url) revokeDownload(); }, 2000);
    $('details-status').textContent = `Saved as ${CSV_FILE_NAME}.`;
  }

  // ---- Dialogs -------------------------------------------------------------------------------------------------

  function openDialog(dialog, invoker) {
    invokers.set(dialog, invoker);
    dialog.showModal();
  }

  function onDialogClosed(dialog) {
    const invoker = invokers.get(dialog);
    invokers.delete(dialog);
    if (dialog.id === 'details-dialog') clearDetails();
    // Back to the control that opened the dialog; when it is gone (its token was deleted), to the list's heading.
    if (document.querySelector('dialog[open]')) return;
    if (invoker && invoker.isConnected && !invoker.disabled) {
      invoker.focus();
    } else {
      $('tokens-heading').focus();
    }
  }

  // ---- The token list ------------------------------------------------------------------------------------------

  async function loadTokens() {
    try {
      const body = await request('GET', apiUrl('/clientIdSecrets'));
      tokens = Array.isArray(body && body.clients) ? body.clients : [];
      setMessage($('tokens-error'), '');
      renderTokens();
    } catch (e) {
      tokens = [];
      show($('tokens-table'), false);
      show($('tokens-empty'), false);
      setMessage($('tokens-error'), `The tokens could not be listed: ${e.message}`);
    } finally {
      show($('tokens-loading'), false);
    }
  }

  function renderTokens() {
    const body = $('tokens-body');
    body.replaceChildren();
    show($('tokens-empty'), tokens.length === 0);
    show($('tokens-table'), tokens.length > 0);
    for (const token of tokens) {
      body.append(renderToken(token));
    }
  }

  function renderToken(token) {
    const names = roleNames(token.roles).join(', ');
    const row = el('tr', { 'data-client-id': token.clientId },
      el('td', { class: 'client-id', 'data-label': 'Client ID' }, String(token.clientId)),
      el('td', { 'data-label': 'Role' }, names),
      el('td', { 'data-label': 'Description', class: 'description' },
        token.description ? String(token.description) : el('span', { class: 'muted' }, 'None')),
      el('td', { 'data-label': 'Generated on' }, timeElement(token.generatedOn)),
      el('td', { 'data-label': 'Expires' }, token.tokenExpiry ? timeElement(token.tokenExpiry) : 'Never'),
      // null: never used since the store started keeping last-used times.
      el('td', { class: 'last-used', 'data-label': 'Last used' }, token.lastUsed ? timeElement(token.lastUsed) : 'Never'));
    row.append(el('td', { class: 'cell-actions' }, context.canWrite ? buildMenu(token, names) : null));
    return row;
  }

  let menuCount = 0;

  function buildMenu(token, names) {
    const menuId = `token-menu-${menuCount++}`;
    const button = el('button', {
      type: 'button', class: 'more', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': menuId,
      'aria-label': `More actions for token ${token.clientId}`,
    }, 'More');
    const item = (text, extraClass, action) => {
      const b = el('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: extraClass }, text);
      b.addEventListener('click', () => {
        closeMenu(button, menu, false);
        action();
      });
      return el('li', { role: 'none' }, b);
    };
    const menu = el('ul', { role: 'menu', id: menuId, class: 'menu', hidden: true, 'aria-label': `Actions for token ${token.clientId}` },
      item('Rotate', null, () => openRotate(token, names, button)),
      item('Delete', 'danger-text', () => openDelete(token, names, button)));

    button.addEventListener('click', () => {
      if (menu.hidden) openMenu(button, menu, 0); else closeMenu(button, menu, true);
    });
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        openMenu(button, menu, e.key === 'ArrowUp' ? -1 : 0);
      }
    });
    menu.addEventListener('keydown', (e) => onMenuKey(e, button, menu));
    menu.addEventListener('focusout', (e) => {
      if (!menu.contains(e.relatedTarget) && e.relatedTarget !== button) closeMenu(button, menu, false);
    });
    return el('div', { class: 'menu-anchor' }, button, menu);
  }

  function menuItems(menu) {
    return Array.from(menu.querySelectorAll('[role="menuitem"]'));
  }

  function openMenu(button, menu, index) {
    for (const other of document.querySelectorAll('.menu:not([hidden])')) {
      if (other !== menu) other.hidden = true;
    }
    for (const other of document.querySelectorAll('button.more[aria-expanded="true"]')) {
      if (other !== button) other.setAttribute('aria-expanded', 'false');
    }
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    const items = menuItems(menu);
    items.at(index).focus();
  }

  function closeMenu(button, menu, focusButton) {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  }

  function onMenuKey(event, button, menu) {
    const items = menuItems(menu);
    const current = items.indexOf(document.activeElement);
    const move = (to) => { event.preventDefault(); items[(to + items.length) % items.length].focus(); };
    switch (event.key) {
      case 'ArrowDown': move(current + 1); break;
      case 'ArrowUp': move(current - 1); break;
      case 'Home': move(0); break;
      case 'End': move(items.length - 1); break;
      case 'Escape': event.preventDefault(); closeMenu(button, menu, true); break;
      case 'Tab': closeMenu(button, menu, false); break;
      default: break;
    }
  }

  document.addEventListener('click', (e) => {
    for (const menu of document.querySelectorAll('.menu:not([hidden])')) {
      const anchor = menu.parentElement;
      if (!anchor.contains(e.target)) closeMenu(anchor.querySelector('button.more'), menu, false);
    }
  });

  // ---- Delete --------------------------------------------------------------------------------------------------

  let pendingDelete = null;

  function fillSummary(prefix, token, names, descriptionId) {
    $(`${prefix}-client-id`).textContent = String(token.clientId);
    $(`${prefix}-role`).textContent = names;
    $(descriptionId).textContent = token.description ? String(token.description) : 'None';
  }

  function openDelete(token, names, invoker) {
    pendingDelete = token;
    fillSummary('delete', token, names, 'delete-description');
    const reasons = $('delete-reasons');
    reasons.replaceChildren(...context.deletionReasons.map((reason) => {
      const id = `delete-reason-${reason.id}`;
      return el('div', { class: 'choice' },
        el('input', { type: 'radio', name: 'delete-reason', id, value: reason.id }),
        el('label', { for: id }, reason.label));
    }));
    setMessage($('delete-error'), '');
    openDialog($('delete-dialog'), invoker);
    reasons.querySelector('input').focus();
  }

  async function onDelete(event) {
    event.preventDefault();
    const checked = document.querySelector('input[name="delete-reason"]:checked');
    if (!checked) {
      setMessage($('delete-error'), 'Choose why you are deleting the token.');
      $('delete-reasons').querySelector('input').focus();
      return;
    }

    const token = pendingDelete;
    const button = $('delete-confirm');
    button.disabled = true;
    try {
      await request('DELETE', apiUrl(`/clientIdSecrets/${encodeURIComponent(token.clientId)}?reason=${encodeURIComponent(checked.value)}`));
      pendingDelete = null;
      $('delete-dialog').close();
      $('page-status').textContent = `Token ${token.clientId} was deleted.`;
      await loadTokens();
      $('tokens-heading').focus();
    } catch (e) {
      setMessage($('delete-error'), e.message);
    } finally {
      button.disabled = false;
    }
  }

  // ---- Rotate --------------------------------------------------------------------------------------------------

  let pendingRotate = null;

  function openRotate(token, names, invoker) {
    pendingRotate = token;
    fillSummary('rotate', token, names, 'rotate-description-current');
    $('rotate-description').value = '';
    setMessage($('rotate-error'), '');
    openDialog($('rotate-dialog'), invoker);
    $('rotate-grace').focus();
  }

  async function onRotate(event) {
    event.preventDefault();
    const token = pendingRotate;
    const grace = Number($('rotate-grace').value);
    const body = { gracePeriod: grace };
    const description = $('rotate-description').value.trim();
    if (description) body.description = description;
    const button = $('rotate-confirm');
    button.disabled = true;
    let details;
    try {
      details = await request('POST', apiUrl(`/clientIdSecrets/${encodeURIComponent(token.clientId)}/rotate`), body);
    } catch (e) {
      setMessage($('rotate-error'), e.message);
      return;
    } finally {
      button.disabled = false;
    }
    pendingRotate = null;
    const invoker = invokers.get($('rotate-dialog'));
    $('rotate-dialog').close();
    const graceText = $('rotate-grace').selectedOptions[0].textContent;
    const note = grace > 0
      ? `The old token ${token.clientId} keeps working for ${graceText}, then it is deleted.`
      : `The old token ${token.clientId} was deleted.`;
    showDetails(details, invoker, 'New token details', note);
    await loadTokens();
  }

  // ---- Sign out --------------------------------------------------------------------------------------------------

  async function onSignOut() {
    const headers = {};
    headers[context.antiforgery.headerName] = context.antiforgery.requestToken;
    try {
      await fetch(context.signOutPath, { method: 'POST', headers, credentials: 'same-origin', cache: 'no-store', redirect: 'manual' });
    } finally {
      // Whatever the host answered: reloading asks it again whether this browser is still signed in.
      window.location.reload();
    }
  }

  // ---- Start ---------------------------------------------------------------------------------------------------

  async function start() {
    for (const dialog of document.querySelectorAll('dialog')) {
      dialog.addEventListener('close', () => onDialogClosed(dialog));
    }
    $('generate-form').addEventListener('submit', onGenerate);
    $('delete-form').addEventListener('submit', onDelete);
    $('rotate-form').addEventListener('submit', onRotate);
    $('delete-cancel').addEventListener('click', () => $('delete-dialog').close());
    $('rotate-cancel').addEventListener('click', () => $('rotate-dialog').close());
    $('details-close').addEventListener('click', () => $('details-dialog').close());
    $('details-download').addEventListener('click', onDownload);
    for (const button of document.querySelectorAll('#details-dialog button.copy')) {
      button.addEventListener('click', onCopy);
    }

    try {
      context = await request('GET', contextUrl.href);
    } catch (e) {
      show($('tokens-loading'), false);
      setMessage($('tokens-error'), `The page could not start: ${e.message}`);
      return;
    }

    for (const role of context.roles) rolesById.set(role.id, role);
    $('caller').textContent = `Signed in as ${context.caller.id} · organization ${context.caller.organizationId}`;
    if (context.signOutPath) {
      const signOut = $('sign-out');
      signOut.addEventListener('click', onSignOut);
      show(signOut, true);
    }
    if (context.canWrite) {
      if (context.expiry && context.expiry.allowed) {
        const days = context.expiry.maximumLifetimeSeconds ? Math.floor(context.expiry.maximumLifetimeSeconds / 86400) : null;
        if (days !== null) {
          $('token-expiry-hint').textContent = `(optional; at most ${days} day${days === 1 ? '' : 's'} away, which is also the default)`;
        }
        show($('token-expiry-field'), true);
      }
      renderRoles();
      show($('generate-section'), true);
    }
    await loadTokens();
    document.body.setAttribute('data-ready', 'true');
  }

  start();
})();
