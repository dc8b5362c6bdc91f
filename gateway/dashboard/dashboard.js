/*
 * 社区治理数据看板 · Community governance dashboard — the reference page of issue 6.
 *
 * A worked example for other teams: a plain browser page (no framework, no build step) that talks to the
 * platform ONLY through the public GraphQL endpoint (/graphql) with the caller's Bearer token, exactly as
 * any other client would. Everything it may show is decided by the platform's scope rule: a street
 * office's token sees its street and everything below it, and nothing of its sibling streets.
 *
 * How it works:
 *   1. Sign in: paste a token, or open the page as /dashboard/#token=<JWT>. The token is kept in
 *      sessionStorage (this browser tab only) and removed from the address bar.
 *   2. `{ me { tier unit } }` says whose dashboard it is. Unit staff see that unit, or the unit named in
 *      the address as #unit=<code> (drilling down changes that, so the back button works). A partner
 *      organisation (tier PARTNER, no unit) sees its own organisation and the pairing figures of its
 *      paired communities, nothing else.
 *   3. One query fetches the unit's figures of every domain, its monthly trends, its ancestors' names
 *      (breadcrumb) and its child units with a few figures each; a second one fetches the ranking of the
 *      child units by the metric chosen in the select.
 *
 * What is shown, and the queries that fetch it, are in figures.js (the DASHBOARD configuration, loaded
 * before this file); this file renders them.
 */
'use strict';

/* ------------------------------------------------------------------------------------------------------
 * Texts in both languages (default Chinese).
 * ---------------------------------------------------------------------------------------------------- */

const TEXT = {
  zh: {
    title: '社区治理数据看板',
    subtitle: '区 · 街道 · 社区 · 网格 · 楼栋',
    period: '统计期间',
    last12: '近 12 个月',
    yearOption: '{year} 年',
    periodRange: '{from} 至 {to}',
    signOut: '退出',
    switchLanguage: 'English',
    signInTitle: '登录数据看板',
    signInHelp: '请粘贴访问令牌（JWT）。本地演示：运行 pnpm start 后，终端会打印区级演示令牌和一个可直接打开的看板链接。令牌只保存在当前标签页中。',
    tokenPlaceholder: 'eyJhbGciOi…',
    signIn: '进入看板',
    caller: '当前身份：',
    tokenExpires: '令牌有效至 {time}',
    tokenExpired: '令牌已过期',
    domains: '分领域指标',
    trends: '月度趋势',
    ranking: '下级单位排名',
    rankBy: '排名指标',
    rankingNone: '没有可排名的下级单位。',
    children: '下级{tier}',
    childrenCount: '共 {count} 个',
    childrenMore: '仅显示前 {shown} 个，共 {count} 个',
    childrenNone: '没有下级单位。',
    name: '名称',
    code: '编码',
    backToMine: '返回本单位',
    loading: '加载中…',
    noUnit: '该身份没有所属单位，看板只面向区、街道、社区、网格和楼栋工作人员及结对合作伙伴。',
    notStaff: '看板面向工作人员和结对合作伙伴。居民和 12345 热线通过自己的应用或接口上报、跟踪诉求（见接入指南：居民与热线）。',
    partialErrors: '部分数据未能加载：',
    records: {
      close: '关闭', more: '加载更多', shown: '共 {total} 条，已显示 {shown} 条', none: '没有记录',
      exportCsv: '导出 CSV', exportXlsx: '导出 Excel', exportFailed: '导出失败：', open: '查看',
      history: '办理记录', place: '位置', reporter: '上报人', description: '描述', deadline: '办结时限', closedAt: '办结时间', back: '返回列表',
    },
    ancestorHint: '上级单位（只显示名称）',
    value: '数值',
    rank: '第 {rank} 名',
    source: '数据来自平台公开的 GraphQL 接口 /graphql，按您的令牌权限范围过滤。',
    tiers: { DISTRICT: '区', STREET: '街道', COMMUNITY: '社区', GRID: '网格', BUILDING: '楼栋', PARTNER: '合作伙伴' },
    partner: {
      SocialOrganisation: '社会组织',
      Enterprise: '爱心企业',
      field: '服务领域：{field}',
      registeredOn: '登记于 {date}',
      employees: '参与志愿服务员工 {count} 人',
      communities: '结对社区',
      communitiesHint: '以下为贵单位在各结对社区的公开汇总数据（仅含本单位的结对与服务活动）。',
      pairedSince: '结对自 {date}',
      pairingEnded: '结对已结束',
      trend: '月度服务',
      total: '合计',
      none: '暂无结对社区。',
      activePairingCommunities: '结对社区',
    },
    fields: {
      'social work': '社会工作', volunteering: '志愿服务', 'elderly care': '养老服务', 'medical service': '医疗服务',
      'home services': '家政服务', charity: '公益慈善', education: '助学教育',
    },
    errors: {
      UNAUTHENTICATED: '身份验证失败：令牌无效或已过期，请重新粘贴令牌。',
      FORBIDDEN: '无权访问：该单位不在您的管辖范围内，不能查看其数据。',
      BAD_USER_INPUT: '请求参数有误。',
      NOT_FOUND: '没有这个单位。',
      NETWORK_ERROR: '无法连接平台，请检查网络或稍后重试。',
      INTERNAL_SERVER_ERROR: '平台内部错误，请稍后重试。',
      DEFAULT: '请求失败。',
    },
  },
  en: {
    title: 'Community Governance Dashboard',
    subtitle: 'District · Street · Community · Grid · Building',
    period: 'Period',
    last12: 'Last 12 months',
    yearOption: '{year}',
    periodRange: '{from} to {to}',
    signOut: 'Sign out',
    switchLanguage: '中文',
    signInTitle: 'Sign in to the dashboard',
    signInHelp: 'Paste an access token (JWT). Locally, pnpm start prints a district demo token and a dashboard link that opens signed in. The token is kept in this browser tab only.',
    tokenPlaceholder: 'eyJhbGciOi…',
    signIn: 'Open dashboard',
    caller: 'Signed in as ',
    tokenExpires: 'token valid until {time}',
    tokenExpired: 'token expired',
    domains: 'Figures by domain',
    trends: 'Monthly trends',
    ranking: 'Ranking of child units',
    rankBy: 'Rank by',
    rankingNone: 'No child units to rank.',
    children: '{tier}',
    childrenCount: '{count} in all',
    childrenMore: 'first {shown} of {count}',
    childrenNone: 'No child units.',
    name: 'Name',
    code: 'Code',
    backToMine: 'Back to my unit',
    loading: 'Loading…',
    noUnit: 'This caller has no unit: the dashboard is for district, street, community, grid and building staff, and for paired partners.',
    notStaff: 'The dashboard is for staff and paired partners. Residents and the 12345 hotline report and follow their cases through their own apps or the API (consumer guide: residents and the hotline).',
    partialErrors: 'Some figures could not be loaded:',
    records: {
      close: 'Close', more: 'Load more', shown: '{shown} of {total} shown', none: 'No records',
      exportCsv: 'Export CSV', exportXlsx: 'Export Excel', exportFailed: 'Export failed: ', open: 'Open',
      history: 'History', place: 'Place', reporter: 'Reporter', description: 'Description', deadline: 'Deadline', closedAt: 'Closed', back: 'Back to the list',
    },
    ancestorHint: 'Parent unit (name only)',
    value: 'Value',
    rank: 'rank {rank}',
    source: "Data from the platform's public GraphQL endpoint /graphql, filtered to your token's scope.",
    tiers: { DISTRICT: 'District', STREET: 'Street office', COMMUNITY: 'Community', GRID: 'Grid', BUILDING: 'Building', PARTNER: 'Partner' },
    childTiers: { STREET: 'Street offices', COMMUNITY: 'Communities', GRID: 'Grids', BUILDING: 'Buildings' },
    partner: {
      SocialOrganisation: 'Social organisation',
      Enterprise: 'Caring enterprise',
      field: 'Field: {field}',
      registeredOn: 'registered {date}',
      employees: '{count} employees volunteering',
      communities: 'Paired communities',
      communitiesHint: 'Your public aggregate figures in each paired community (your own pairings and activities only).',
      pairedSince: 'paired since {date}',
      pairingEnded: 'pairing ended',
      trend: 'Per month',
      total: 'Total',
      none: 'No paired communities yet.',
      activePairingCommunities: 'Paired communities',
    },
    fields: {},
    errors: {
      UNAUTHENTICATED: 'Not signed in: the token is invalid or has expired. Paste a new token.',
      FORBIDDEN: 'Forbidden: this unit is outside your scope, its figures cannot be shown.',
      BAD_USER_INPUT: 'The request was not valid.',
      NOT_FOUND: 'There is no such unit.',
      NETWORK_ERROR: 'Cannot reach the platform: check the network and try again.',
      INTERNAL_SERVER_ERROR: 'Internal error in the platform: try again later.',
      DEFAULT: 'The request failed.',
    },
  },
};

// Sign-in texts (sign-in.js, loaded before this file).
for (const lang of ['zh', 'en']) {
  const { errors, ...texts } = SIGN_IN_TEXT[lang];
  Object.assign(TEXT[lang], texts);
  Object.assign(TEXT[lang].errors, errors);
}

/* ------------------------------------------------------------------------------------------------------
 * Page state. Everything shown is rendered from it, so switching the language re-renders without asking
 * the API again.
 * ---------------------------------------------------------------------------------------------------- */

const TOKEN_KEY = 'cgp.dashboard.token';
const LANG_KEY = 'cgp.dashboard.lang';

/** The GraphQL endpoint: /graphql next to /dashboard/, wherever the gateway is mounted. */
const GRAPHQL_ENDPOINT = new URL('../graphql', document.baseURI).toString();

const state = {
  lang: localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null, // { tier, unit }
  periodId: 'last12',
  unitCode: null, // the unit on screen
  unit: null, // its data from the API (null while loading or after an error)
  ancestors: [], // [{ code, name }] from the top, for the breadcrumb
  partner: null, // a partner's organisation, pairings and figures (tier PARTNER)
  rankingId: null, // id of the rankingsFor(tier) choice
  ranking: null, // [{ rank, value, code, name }]
  records: null, // the list a figure opened: { list, unitCode, rows, totalCount, endCursor, hasNextPage, loading, error, record }
  error: null, // { code, message } of the last failed load
  warnings: [], // partial errors: figures that could not be loaded
  loading: false,
};

/** Each load gets a number, so a slow answer to an older request never overwrites a newer one. */
let loadSequence = 0;
let rankingSequence = 0;

const isPartner = () => state.me?.tier === 'PARTNER';

/* ------------------------------------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------------------------------------- */

const $ = (selector) => document.querySelector(selector);

/** A text of the current language; `{name}` placeholders are filled from `values`. */
function t(key, values = {}) {
  const text = key.split('.').reduce((o, k) => o?.[k], TEXT[state.lang]) ?? key.split('.').reduce((o, k) => o?.[k], TEXT.zh) ?? key;
  return fill(text, values);
}

/** The current language's side of a { zh, en } text from the configuration. */
function tr(text, values = {}) {
  return fill(typeof text === 'string' ? text : text[state.lang] ?? text.zh, values);
}

function fill(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Creates an element: el('td', { class: 'num', dataset: { x: 1 } }, 'text', otherElement). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A figure formatted for display ('—' when the API has none, e.g. a median of no cases). */
function formatValue(value, format = 'int') {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const locale = state.lang === 'zh' ? 'zh-CN' : 'en-US';
  const digits = { int: 0, yuan: 0, decimal: 1, score: 1, percent: 1 }[format] ?? 0;
  const shown = format === 'percent' ? value * 100 : value;
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: format === 'score' ? 1 : 0 }).format(shown);
  return format === 'percent' ? `${text}%` : text;
}

/** The claims of a JWT, read only to show who is signed in and until when (the platform verifies it). */
function tokenClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      atob(payload)
        .split('')
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join(''),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------------------------------------------------
 * Talking to the platform: one function posts a GraphQL operation with the Bearer token.
 * ---------------------------------------------------------------------------------------------------- */

/** An error answer of the API (or no answer at all), with the platform's `extensions.code`. */
class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Posts one operation to /graphql. Returns `{ data, errors }` as the API answered them: GraphQL answers
 * partial data with errors (e.g. one figure FORBIDDEN), so the caller decides what is fatal. Throws an
 * ApiError only when there is no GraphQL answer at all (network down, not JSON).
 */
async function graphql(query, variables) {
  let response;
  try {
    // An operation of the published safelist goes by its hash, as partners must send it (staff may too).
    const name = /^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];
    const hash = name ? (await safelistHashes()).get(name) : undefined;
    const body = hash ? { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : { query, variables };
    response = await fetch(GRAPHQL_ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError('NETWORK_ERROR', error.message);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK_ERROR', `HTTP ${response.status} ${response.statusText}`);
  }
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

let safelist;
/** The safelisted operations' hashes by name, from the gateway's GET /safelist (none if it cannot be read). */
function safelistHashes() {
  safelist ??= fetch(new URL('../safelist', document.baseURI).toString())
    .then((res) => (res.ok ? res.json() : { operations: [] }))
    .then((manifest) => new Map((manifest.operations ?? []).map((op) => [op.name, op.id])))
    .catch(() => new Map());
  return safelist;
}

/** The first error's code and message as an ApiError. */
function apiErrorOf(errors) {
  const first = errors[0] ?? {};
  return new ApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message ?? '');
}

/* ------------------------------------------------------------------------------------------------------
 * Loading: who am I, then the unit on screen, then its ranking (or, for a partner, its organisation).
 * ---------------------------------------------------------------------------------------------------- */

/** Signs in with the stored token: asks `me`, then shows the unit in the address or the caller's own. */
async function start() {
  if (!state.token) return showSignIn();
  showDashboard();
  state.loading = true;
  render();
  let answer;
  try {
    answer = await graphql('query Me { me { tier unit } }');
  } catch (error) {
    return fail(error);
  }
  if (!answer.data?.me) return fail(apiErrorOf(answer.errors));
  state.me = answer.data.me;
  if (isPartner()) return loadPartner();
  if (state.me.tier === 'RESIDENT' || state.me.tier === 'HOTLINE') return fail(new ApiError('NOT_STAFF', t('notStaff')));
  if (!state.me.unit) return fail(new ApiError('NO_UNIT', t('noUnit')));
  await loadUnit(unitFromAddress() ?? state.me.unit);
}

/** Loads one unit's figures (and then its ranking) into the state and renders them. */
async function loadUnit(code) {
  const sequence = ++loadSequence;
  const tier = tierOfCode(code);
  // The previous unit stays on screen, dimmed, until the new one arrives.
  if (state.records && state.records.unitCode !== code) state.records = null;
  Object.assign(state, { unitCode: code, error: null, warnings: [], loading: true });
  render();
  if (!tier) return fail(new ApiError('BAD_USER_INPUT', `"${code}" is not a unit code`), sequence);
  const period = periodOf(state.periodId);
  let answer;
  try {
    const { query, variables } = unitQuery(tier, code, period);
    answer = await graphql(query, variables);
  } catch (error) {
    return fail(error, sequence);
  }
  if (sequence !== loadSequence) return;
  const unit = answer.data?.unit;
  // No unit: the whole lookup was refused (FORBIDDEN outside the caller's scope), or the code names nothing.
  if (!unit) return fail(answer.errors.length ? apiErrorOf(answer.errors) : new ApiError('NOT_FOUND', code), sequence);
  state.unit = unit;
  state.ancestors = ancestorsOf(code).map((a) => answer.data[a.tier.toLowerCase()] ?? { code: a.code, name: a.code });
  state.ranking = null;
  state.warnings = answer.errors; // figures refused or failed one by one: the rest is still shown
  state.loading = false;
  render();
  await loadRanking(sequence);
}

/** Loads the ranking of the unit's children by the metric chosen in the select. */
async function loadRanking(sequence = loadSequence) {
  const rankingRequest = ++rankingSequence;
  const stale = () => sequence !== loadSequence || rankingRequest !== rankingSequence;
  const tier = tierOfCode(state.unitCode);
  const choices = rankingsFor(tier);
  if (!choices.length) return;
  const ranking = choices.find((r) => r.id === state.rankingId) ?? choices[0];
  state.rankingId = ranking.id;
  let answer;
  try {
    const { query, variables } = rankingQuery(tier, state.unitCode, ranking, periodOf(state.periodId));
    answer = await graphql(query, variables);
  } catch (error) {
    if (stale()) return;
    state.warnings = [...state.warnings, { message: error.message, extensions: { code: error.code } }];
    return render();
  }
  if (stale()) return;
  const rows = answer.data?.unit?.ranking;
  if (!rows) {
    state.warnings = [...state.warnings, ...answer.errors];
    return render();
  }
  state.ranking = rows.map((row) => ({ rank: row.rank, value: row.value, code: row.code, name: row.unit?.name ?? row.code }));
  renderRanking();
}

/** Loads a partner's organisation and the pairing figures of its paired communities. */
async function loadPartner() {
  const sequence = ++loadSequence;
  Object.assign(state, { unitCode: null, unit: null, ranking: null, error: null, warnings: [], loading: true });
  render();
  let answer;
  try {
    const { query, variables } = partnerQuery(periodOf(state.periodId));
    answer = await graphql(query, variables);
  } catch (error) {
    return fail(error, sequence);
  }
  if (sequence !== loadSequence) return;
  const organisation = answer.data?.myOrganisation;
  if (!organisation) return fail(apiErrorOf(answer.errors), sequence);
  // One entry per paired community (a partner may have paired with a community more than once).
  const communities = new Map();
  for (const pairing of organisation.pairings ?? []) {
    if (!pairing?.community) continue;
    const entry = communities.get(pairing.community.code) ?? { ...pairing.community, pairings: [] };
    entry.pairings.push({ startedOn: pairing.startedOn, endedOn: pairing.endedOn, active: pairing.active });
    communities.set(pairing.community.code, entry);
  }
  state.partner = { ...organisation, communities: [...communities.values()].sort((a, b) => a.code.localeCompare(b.code)) };
  state.warnings = answer.errors;
  state.loading = false;
  render();
}

/** Shows a failed load: the error, and no figures. An invalid token sends the user back to sign-in. */
function fail(error, sequence = loadSequence) {
  if (sequence !== loadSequence) return;
  Object.assign(state, { error: { code: error.code, message: error.message }, unit: null, partner: null, ancestors: [], ranking: null, loading: false });
  if (error.code === 'UNAUTHENTICATED') {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    return showSignIn();
  }
  render();
}

/* ------------------------------------------------------------------------------------------------------
 * Address (#token=…, #unit=…) and navigation.
 * ---------------------------------------------------------------------------------------------------- */

/**
 * Takes a token handed over in the address (#token=…) into sessionStorage and out of the address bar
 * (so it is not left in the history or a bookmark). Says whether there was one.
 */
function takeTokenFromAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return false;
  state.token = token.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}

function unitFromAddress() {
  return new URLSearchParams(location.hash.slice(1)).get('unit');
}

/** Opens a unit: changes the address, so the browser's back button goes back up. */
function navigate(code) {
  location.hash = `unit=${code}`;
}

/** Whether a unit is inside the caller's own subtree (ancestors above it are shown by name only). */
function inScope(code) {
  return Boolean(state.me?.unit && code.startsWith(state.me.unit));
}

/* ------------------------------------------------------------------------------------------------------
 * Rendering.
 * ---------------------------------------------------------------------------------------------------- */

function showSignIn() {
  $('#signin').hidden = false;
  $('#dashboard').hidden = true;
  $('#signout').hidden = true;
  $('#period-control').hidden = true;
  render();
  $('#token-input').focus();
}

function showDashboard() {
  $('#signin').hidden = true;
  $('#dashboard').hidden = false;
  $('#signout').hidden = false;
  $('#period-control').hidden = false;
}

/** Renders everything from the state. */
function render() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  $('#lang').textContent = t('switchLanguage');
  renderPeriod();
  renderCaller();
  renderSignInError();
  if ($('#dashboard').hidden) return;
  $('#dashboard').classList.toggle('loading', state.loading);
  $('#dashboard').classList.toggle('partner-view', isPartner());
  renderHeading();
  renderAlerts();
  renderHeadline();
  renderDomains();
  renderTrends();
  renderRankingControls();
  renderRanking();
  renderChildren();
  renderPartner();
  renderRecords();
}

function renderPeriod() {
  const select = $('#period');
  select.replaceChildren(
    ...periodChoices().map((id) => el('option', { value: id, selected: id === state.periodId }, id === 'last12' ? t('last12') : t('yearOption', { year: id }))),
  );
  const period = periodOf(state.periodId);
  const lastDay = isoDate(new Date(new Date(`${period.to}T00:00:00`).getTime() - 86_400_000));
  const range = $('#period-range');
  range.textContent = t('periodRange', { from: period.from, to: lastDay });
  Object.assign(range.dataset, { from: period.from, to: period.to, year: period.year });
}

function renderCaller() {
  const box = $('#caller');
  const claims = state.token ? tokenClaims(state.token) : null;
  if (!state.me && !claims) return box.replaceChildren();
  const tier = state.me?.tier ?? claims?.tier;
  const unit = state.me?.unit ?? claims?.unit;
  const parts = [`${t('caller')}${TEXT[state.lang].tiers[tier] ?? tier ?? ''}${unit ? ` ${unit}` : ''}`];
  if (claims?.exp) {
    const expires = new Date(claims.exp * 1000);
    const time = expires.toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    parts.push(expires < new Date() ? t('tokenExpired') : t('tokenExpires', { time }));
  }
  box.replaceChildren(parts.join(' · '));
}

function renderSignInError() {
  const box = $('#signin-error');
  const error = $('#signin').hidden ? null : state.error;
  box.hidden = !error;
  if (error) box.replaceChildren(errorView(error));
}

/** An error as shown to the user: what it means in their language, then the platform's code and message. */
function errorView(error) {
  const errors = TEXT[state.lang].errors;
  const title = error.code === 'NO_UNIT' ? t('noUnit') : error.code === 'NOT_STAFF' ? t('notStaff') : errors[error.code] ?? errors.DEFAULT;
  return el(
    'div',
    { class: 'error-body' },
    el('strong', { class: 'error-title' }, title),
    el('div', { class: 'error-detail' }, el('code', { class: 'error-code' }, error.code), error.message && error.code !== 'NO_UNIT' && error.code !== 'NOT_STAFF' ? ` ${error.message}` : ''),
  );
}

/** The breadcrumb (ancestors → this unit) and the unit's name, tier and code; for a partner, its organisation. */
function renderHeading() {
  const crumbs = $('#breadcrumb');
  const meta = $('#unit-meta');
  if (isPartner()) {
    const org = state.partner;
    crumbs.replaceChildren();
    $('#unit-name').textContent = org?.name ?? (state.loading ? t('loading') : '');
    $('#unit-tier').textContent = org ? t(`partner.${org.__typename}`) : t('tiers.PARTNER');
    $('#unit-tier').hidden = false;
    $('#unit-code').textContent = '';
    const facts = [];
    if (org?.field) facts.push(t('partner.field', { field: TEXT[state.lang].fields[org.field] ?? org.field }));
    if (org?.registeredOn) facts.push(t('partner.registeredOn', { date: org.registeredOn }));
    if (org?.employees !== undefined && org?.employees !== null) facts.push(t('partner.employees', { count: org.employees }));
    meta.textContent = facts.join(' · ');
    meta.hidden = !facts.length;
    return;
  }
  meta.hidden = true;
  const unit = state.unit;
  const items = [];
  if (unit) {
    for (const a of state.ancestors) {
      items.push(
        inScope(a.code)
          ? el('a', { href: `#unit=${a.code}`, dataset: { code: a.code } }, a.name)
          : el('span', { class: 'ancestor', title: t('ancestorHint') }, a.name),
      );
    }
    // A district has no ancestors: its heading says it all.
    if (state.ancestors.length) items.push(el('span', { class: 'current', 'aria-current': 'page' }, unit.name));
  } else if (state.me?.unit && state.unitCode !== state.me.unit && !state.loading) {
    items.push(el('a', { href: `#unit=${state.me.unit}`, class: 'back' }, `← ${t('backToMine')}`));
  }
  crumbs.replaceChildren(...items.flatMap((item, i) => (i ? [el('span', { class: 'sep', 'aria-hidden': 'true' }, '›'), item] : [item])));

  // Without the unit's data (loading, or refused) its code stands in for its name.
  const tier = unit?.tier ?? tierOfCode(state.unitCode ?? '');
  $('#unit-name').textContent = unit?.name ?? (state.loading ? t('loading') : state.unitCode ?? '');
  $('#unit-tier').textContent = tier ? TEXT[state.lang].tiers[tier] : '';
  $('#unit-tier').hidden = !tier;
  $('#unit-code').textContent = unit || state.loading ? state.unitCode ?? '' : '';
}

function renderAlerts() {
  const box = $('#alert');
  if (state.error) {
    box.className = 'alert alert-error';
    box.dataset.code = state.error.code;
    box.replaceChildren(errorView(state.error));
  } else if (state.warnings.length) {
    box.className = 'alert alert-warning';
    box.dataset.code = state.warnings[0].extensions?.code ?? '';
    box.replaceChildren(
      el('strong', {}, t('partialErrors')),
      el('ul', {}, state.warnings.map((w) => el('li', {}, el('code', { class: 'error-code' }, w.extensions?.code ?? 'ERROR'), ` ${(w.path ?? []).join('.')} ${w.message}`))),
    );
  }
  box.hidden = !state.error && !state.warnings.length;
}

/** One headline tile: a big number, its label, and an optional second figure under it. */
function headlineTile({ id, accent, value, format, label, unit, sub }) {
  const list = openableList(id, value);
  const subList = sub && openableList(sub.id, sub.value);
  const opens = (l) => (l ? { role: 'button', tabindex: '0', title: tr(l.title), onclick: (e) => (e.stopPropagation(), openList(l)), onkeydown: (e) => e.key === 'Enter' && openList(l) } : {});
  return el(
    'section',
    { class: `headline-tile accent-${accent}`, dataset: { headline: id, format: format ?? 'int' } },
    el('div', { class: 'headline-label' }, label),
    el(
      'div',
      { class: `headline-value${list ? ' figure-opens' : ''}`, dataset: list ? { list: list.id } : {}, ...opens(list) },
      el('span', { class: 'num' }, formatValue(value, format)),
      unit && value !== null ? el('span', { class: 'unit' }, unit) : null,
    ),
    sub
      ? el(
          'div',
          {
            class: `headline-sub${sub.alert && sub.value > 0 ? ' figure-alert' : ''}${subList ? ' figure-opens' : ''}`,
            dataset: { headline: sub.id, format: sub.format ?? 'int', ...(subList ? { list: subList.id } : {}) },
            ...opens(subList),
          },
          el('span', { class: 'num' }, formatValue(sub.value, sub.format)),
          ` ${sub.label}`,
        )
      : null,
  );
}

/** The headline tiles: a few figures of the unit's domains. */
function renderHeadline() {
  const container = $('#headline');
  if (isPartner()) return renderPartnerHeadline(container);
  const unit = state.unit;
  if (!unit) return container.replaceChildren();
  container.replaceChildren(
    ...headlineFor(unit.tier).map((h) => {
      const domain = domainOf(h.domain);
      const figure = figureOf(domain, h.key);
      const sub = h.sub && { id: `${h.domain}.${h.sub.key}`, value: figureValue(unit, domain, h.sub.key), format: figureOf(domain, h.sub.key).format, label: tr(h.sub.label), alert: h.sub.alert };
      return headlineTile({
        id: `${h.domain}.${h.key}`, accent: h.domain, value: figureValue(unit, domain, h.key), format: figure.format,
        label: tr(h.label ?? figure.label), unit: figure.unit && tr(figure.unit), sub,
      });
    }),
  );
}

/** One figure of a card: number (with its unit) over its label. */
function figureView(id, value, figure, extra = {}) {
  const list = openableList(id, value);
  return el(
    'div',
    {
      class: `figure${figure.alert && value > 0 ? ' figure-alert' : ''}${list ? ' figure-opens' : ''}`, dataset: { figure: id, key: figure.key, format: figure.format ?? 'int', ...extra, ...(list ? { list: list.id } : {}) },
      ...(list ? { role: 'button', tabindex: '0', title: tr(list.title), onclick: () => openList(list), onkeydown: (e) => e.key === 'Enter' && openList(list) } : {}),
    },
    el('div', { class: 'figure-value' }, el('span', { class: 'num' }, formatValue(value, figure.format)), figure.unit && value !== null ? el('span', { class: 'unit' }, tr(figure.unit)) : null),
    el('div', { class: 'figure-label' }, tr(figure.label)),
  );
}

/** The domain cards: one per domain the unit's tier has, its figures in small labelled groups. */
function renderDomains() {
  const unit = isPartner() ? null : state.unit;
  const container = $('#domains');
  $('#domains-section').hidden = !unit;
  if (!unit) return container.replaceChildren();
  const period = periodOf(state.periodId);
  container.replaceChildren(
    ...domainsFor(unit.tier).map((domain) => {
      const groups = groupsFor(domain, unit.tier);
      return el(
        'section',
        { class: `card domain-card accent-${domain.id}${domain.wide && groups.length > 2 ? ' domain-wide' : ''}`, dataset: { domain: domain.id, field: domain.field } },
        el('h3', {}, tr(domain.title, period)),
        el(
          'div',
          { class: 'groups' },
          groups.map((group) =>
            el(
              'div',
              { class: 'group' },
              el('div', { class: 'group-title' }, tr(group.title)),
              el('div', { class: 'figures' }, group.figures.map((f) => figureView(`${domain.id}.${f.key}`, figureValue(unit, domain, f.key), f, { field: domain.field }))),
            ),
          ),
        ),
      );
    }),
  );
}

/* Charts: Apache ECharts, one instance per chart element (echarts.getInstanceByDom finds it again). */

const PALETTE = ['#1d5fbf', '#e8590c', '#2f9e44', '#c2255c', '#7048e8', '#0c8599'];
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function chartOf(node) {
  return echarts.getInstanceByDom(node) ?? echarts.init(node, null, { renderer: 'canvas' });
}

function disposeCharts(container) {
  for (const node of container.querySelectorAll('.chart')) echarts.getInstanceByDom(node)?.dispose();
}

/** A monthly line chart: one line per series, those with `axis: 1` against a second axis on the right. */
function drawTrend(node, rows, series) {
  const twoAxes = series.some((s) => s.axis === 1);
  const axis = (position) => ({ type: 'value', position, minInterval: 1, splitLine: { show: position === 'left', lineStyle: { color: '#edf0f4' } }, axisLabel: { color: '#667085' } });
  chartOf(node).setOption(
    {
      animation: !reducedMotion,
      color: PALETTE,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0, left: 0, right: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4, textStyle: { color: '#475467' } },
      grid: { left: 4, right: 8, top: 34, bottom: 4, containLabel: true },
      xAxis: {
        type: 'category', boundaryGap: false, data: rows.map((r) => r.month), axisTick: { show: false },
        axisLine: { lineStyle: { color: '#c9d1dc' } }, axisLabel: { color: '#667085', formatter: (m) => m.slice(2).replace('-', '/') },
      },
      yAxis: twoAxes ? [axis('left'), axis('right')] : axis('left'),
      series: series.map((s) => ({
        name: tr(s.label),
        type: 'line',
        yAxisIndex: twoAxes ? s.axis ?? 0 : 0,
        symbolSize: 5,
        lineStyle: { width: 2, type: s.axis === 1 ? 'dashed' : 'solid' },
        areaStyle: s.axis === 1 ? undefined : { opacity: 0.06 },
        data: rows.map((r) => r[s.key]),
      })),
    },
    true,
  );
}

/** One line chart per trend the unit's tier has. */
function renderTrends() {
  const unit = isPartner() ? null : state.unit;
  const container = $('#trends');
  disposeCharts(container);
  const trends = unit ? trendsFor(unit.tier) : [];
  $('#trends-section').hidden = !trends.length;
  container.replaceChildren(
    ...trends.map((trend) => el('section', { class: `card chart-card accent-${trend.id}` }, el('h3', {}, tr(trend.title, periodOf(state.periodId))), el('div', { class: 'chart trend-chart', dataset: { trend: trend.id } }))),
  );
  for (const trend of trends) drawTrend(container.querySelector(`[data-trend="${trend.id}"]`), unit[trend.field] ?? [], trend.series);
}

/** The ranking select: the metrics of every domain's ranking the tier has, grouped by domain. */
function renderRankingControls() {
  const tier = isPartner() ? null : state.unit?.tier;
  const choices = tier ? rankingsFor(tier) : [];
  $('#ranking-section').hidden = !choices.length;
  const select = $('#ranking-metric');
  const period = periodOf(state.periodId);
  const groups = new Map();
  for (const choice of choices) groups.set(choice.domain, [...(groups.get(choice.domain) ?? []), choice]);
  select.replaceChildren(
    ...[...groups].map(([domain, list]) =>
      el('optgroup', { label: tr(domainOf(domain).title, period) }, list.map((r) => el('option', { value: r.id, selected: r.id === state.rankingId }, tr(r.label)))),
    ),
  );
}

/** The horizontal bar chart of the children ranked by the chosen metric, rank 1 at the top. */
function renderRanking() {
  const node = $('#ranking-chart');
  const empty = $('#ranking-empty');
  const rows = state.ranking ?? [];
  empty.hidden = !state.ranking || rows.length > 0;
  node.hidden = !rows.length;
  if (!rows.length) return echarts.getInstanceByDom(node)?.clear();
  const tier = tierOfCode(state.unitCode);
  const ranking = rankingsFor(tier).find((r) => r.id === state.rankingId);
  const format = ranking.format ?? 'int';
  node.style.height = `${Math.max(220, rows.length * 30 + 40)}px`;
  const chart = chartOf(node);
  chart.resize();
  const ordered = [...rows].reverse(); // ECharts draws the first category at the bottom
  chart.setOption(
    {
      animation: !reducedMotion,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: {
        trigger: 'item',
        formatter: (p) => `${ordered[p.dataIndex].name}<br>${t('rank', { rank: ordered[p.dataIndex].rank })} · ${tr(ranking.label)}: <b>${formatValue(p.value, format)}</b>`,
      },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value', minInterval: format === 'int' || format === 'yuan' ? 1 : 0, splitLine: { lineStyle: { color: '#edf0f4' } },
        axisLabel: { color: '#667085', formatter: (v) => formatValue(v, format === 'score' ? 'int' : format) },
      },
      yAxis: { type: 'category', data: ordered.map((r) => r.name), axisTick: { show: false }, axisLine: { lineStyle: { color: '#c9d1dc' } } },
      series: [
        {
          name: tr(ranking.label),
          type: 'bar',
          barMaxWidth: 18,
          data: ordered.map((r) => ({ value: r.value, code: r.code })),
          itemStyle: { color: PALETTE[0], borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: 'right', formatter: (p) => formatValue(p.value, format) },
        },
      ],
    },
    true,
  );
  // A click on a bar opens that child unit.
  chart.off('click');
  chart.on('click', (p) => navigate(ordered[p.dataIndex].code));
}

/** The table of child units: click one to drill down. */
function renderChildren() {
  const unit = isPartner() ? null : state.unit;
  const section = $('#children-section');
  const type = unit && UNIT_TYPES[unit.tier];
  section.hidden = !type?.children;
  if (!type?.children) return $('#children-table').replaceChildren();
  const childTier = type.childTier;
  const columns = childColumnsFor(childTier);
  const connection = unit[type.children] ?? { totalCount: 0, edges: [] }; // null when the API refused the list
  const children = connection.edges.map((e) => e.node);
  const heading = state.lang === 'zh' ? t('children', { tier: TEXT.zh.tiers[childTier] }) : TEXT.en.childTiers[childTier];
  $('#children-title').textContent = heading;
  $('#children-count').textContent =
    connection.totalCount > children.length ? t('childrenMore', { shown: children.length, count: connection.totalCount }) : t('childrenCount', { count: connection.totalCount });

  const head = el('tr', {}, el('th', {}, t('name')), el('th', {}, t('code')), columns.map((c) => el('th', { class: 'num' }, tr(c.label ?? c.figure.label))));
  const body = children.map((child) =>
    el(
      'tr',
      { class: 'child-row', dataset: { code: child.code }, onclick: () => navigate(child.code) },
      el('td', {}, el('a', { href: `#unit=${child.code}`, class: 'child-link' }, child.name)),
      el('td', { class: 'code' }, child.code),
      columns.map((c) => {
        const value = figureValue(child, c.domain, c.key);
        return el('td', { class: `num${c.figure.alert && value > 0 ? ' figure-alert' : ''}`, dataset: { figure: `${c.domain.id}.${c.key}` } }, formatValue(value, c.figure.format));
      }),
    ),
  );
  $('#children-table').replaceChildren(el('thead', {}, head), el('tbody', {}, body));
  $('#children-empty').hidden = children.length > 0;
}

/* The partner's view: its totals over its paired communities, then one card per community. */

/** The sum of one pairing figure over the partner's communities (null when no community answered it). */
function partnerTotal(key) {
  const values = (state.partner?.communities ?? []).map((c) => c.pairingStatistics?.[key]).filter((v) => v !== null && v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

function renderPartnerHeadline(container) {
  const partner = state.partner;
  if (!partner) return container.replaceChildren();
  const tiles = [
    headlineTile({ id: 'partner.communities', accent: 'pairing', value: partner.communities.length, label: t('partner.communities') }),
    ...PARTNER_VIEW.figures
      .filter((f) => f.key !== 'activePairings')
      .map((f) => headlineTile({ id: `partner.${f.key}`, accent: 'pairing', value: partnerTotal(f.key), format: f.format, label: `${tr(f.label)}${state.lang === 'zh' ? '（合计）' : ' (total)'}` })),
  ];
  container.replaceChildren(...tiles);
}

function renderPartner() {
  const section = $('#partner-section');
  const container = $('#partner-communities');
  disposeCharts(container);
  const partner = isPartner() ? state.partner : null;
  section.hidden = !partner;
  if (!partner) return container.replaceChildren();
  $('#partner-empty').hidden = partner.communities.length > 0;
  container.replaceChildren(
    ...partner.communities.map((community) => {
      const active = community.pairings.filter((p) => p.active);
      const since = active.map((p) => p.startedOn).sort()[0];
      return el(
        'section',
        { class: 'card partner-card accent-pairing', dataset: { community: community.code } },
        el(
          'div',
          { class: 'card-head' },
          el('h3', {}, community.name, el('span', { class: 'unit-code' }, community.code)),
          el('span', { class: 'muted' }, since ? t('partner.pairedSince', { date: since }) : t('partner.pairingEnded')),
        ),
        el('div', { class: 'figures' }, PARTNER_VIEW.figures.map((f) => figureView(`pairing.${f.key}`, community.pairingStatistics?.[f.key] ?? null, f))),
        el('div', { class: 'group-title partner-trend-title' }, t('partner.trend')),
        el('div', { class: 'chart partner-chart', dataset: { trend: `pairing-${community.code}` } }),
      );
    }),
  );
  for (const community of partner.communities) {
    drawTrend(container.querySelector(`[data-trend="pairing-${community.code}"]`), community.pairingTrend ?? [], PARTNER_VIEW.trend);
  }
}

/* ------------------------------------------------------------------------------------------------------
 * Numbers that open (issue 18): a figure counting records opens a paginated list of them (LISTS in
 * figures.js, the operations sent by hash), a case opens with its history and place, and every list
 * downloads as CSV or Excel through the gateway's /export (same token, same scope and masking, audited).
 * ---------------------------------------------------------------------------------------------------- */

const PAGE_SIZE = 20;
let recordsSequence = 0;

/** The list a figure of the unit on screen opens (only when it counts something), or undefined. */
function openableList(id, value) {
  if (isPartner() || !state.unit || !(value > 0)) return undefined;
  const [domainId, key] = id.split('.');
  return listFor(domainId, key, state.unit.tier, periodOf(state.periodId));
}

async function openList(list) {
  state.records = { list, unitCode: state.unitCode, period: periodOf(state.periodId), rows: [], totalCount: null, endCursor: null, hasNextPage: false, loading: true, error: null, record: null };
  renderRecords();
  $('#records-section').scrollIntoView({ block: 'start' });
  await loadRecordsPage();
}

async function loadRecordsPage() {
  const records = state.records;
  if (!records) return;
  const sequence = ++recordsSequence;
  records.loading = true;
  renderRecords();
  let answer;
  try {
    answer = await graphql(records.list.query, { ...records.list.variables(records.unitCode, records.period), first: PAGE_SIZE, after: records.endCursor });
  } catch (error) {
    answer = { data: null, errors: [{ message: error.message, extensions: { code: error.code } }] };
  }
  if (sequence !== recordsSequence || state.records !== records) return;
  const connection = valueAt(answer.data ?? {}, records.list.connection);
  records.loading = false;
  if (!connection) {
    records.error = apiErrorOf(answer.errors);
    return renderRecords();
  }
  records.rows.push(...connection.edges.map((e) => e.node));
  Object.assign(records, { totalCount: connection.totalCount, endCursor: connection.pageInfo.endCursor, hasNextPage: connection.pageInfo.hasNextPage, error: null });
  renderRecords();
}

async function openRecord(row) {
  const records = state.records;
  records.record = { id: row.id, loading: true };
  renderRecords();
  let answer;
  try {
    answer = await graphql(listOperations().get('DashboardCase'), { id: row.id });
  } catch (error) {
    answer = { data: null, errors: [{ message: error.message, extensions: { code: error.code } }] };
  }
  if (state.records !== records || records.record?.id !== row.id) return;
  records.record = answer.data?.gridCase ? { id: row.id, data: answer.data.gridCase } : { id: row.id, error: answer.data ? new ApiError('NOT_FOUND', row.id) : apiErrorOf(answer.errors) };
  renderRecords();
  // Its place by name: the street, community, grid and building (only those the caller may see answer).
  const found = records.record.data;
  if (!found) return;
  let place;
  try {
    place = await graphql(listOperations().get('DashboardPlace'), { code: found.buildingCode ?? found.gridCode });
  } catch {
    return;
  }
  if (state.records !== records || records.record?.data !== found || !place.data?.unit) return;
  const units = [];
  for (let unit = place.data.unit; unit; unit = unit.grid ?? unit.community ?? unit.street) units.unshift({ code: unit.code, name: unit.name });
  records.record = { ...records.record, place: units };
  renderRecords();
}

/** Downloads the open list as CSV or Excel from the gateway's /export (which audits it). */
async function exportList(format) {
  const records = state.records;
  await download({ list: records.list.id, variables: { unitCode: records.unitCode, year: records.period.year }, format }, $('#records-export-status'));
}

/** Downloads the ranking on screen (the chosen metric and period) as CSV or Excel from /export. */
async function exportRanking(format) {
  const period = periodOf(state.periodId);
  await download({ ranking: state.rankingId, variables: { unitCode: state.unitCode, from: period.from, to: period.to, year: period.year }, format }, $('#ranking-export-status'));
}

async function download({ format, ...request }, status) {
  status.textContent = '';
  let response;
  try {
    response = await fetch(new URL('../export', document.baseURI).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ ...request, format, lang: state.lang }),
    });
  } catch (error) {
    status.textContent = `${t('records.exportFailed')}${error.message}`;
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const first = body.errors?.[0];
    status.textContent = `${t('records.exportFailed')}${first?.extensions?.code ?? response.status} ${first?.message ?? ''}`;
    return;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `export.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function renderRecords() {
  const section = $('#records-section');
  const records = state.records;
  section.hidden = !records || isPartner();
  if (section.hidden) return;
  const { list } = records;
  $('#records-title').textContent = `${tr(list.title)} · ${records.unitCode}`;
  $('#records-count').textContent = records.totalCount === null ? '' : t('records.shown', { total: records.totalCount, shown: records.rows.length });
  section.dataset.list = list.id;
  section.classList.toggle('loading', records.loading);
  const body = $('#records-body');
  if (records.record) return body.replaceChildren(recordView(records.record));
  if (records.error) return body.replaceChildren(el('div', { class: 'alert alert-error', dataset: { code: records.error.code } }, errorView(records.error)));
  const columns = list.columns;
  body.replaceChildren(
    records.rows.length || records.loading
      ? el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'records-table' },
            el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, tr(c.label))), list.detail ? el('th', {}) : null)),
            el(
              'tbody',
              {},
              records.rows.map((row) =>
                el(
                  'tr',
                  { dataset: row.id ? { id: row.id } : {} },
                  columns.map((c) => el('td', { dataset: { column: c.key } }, cellText(valueAt(row, c.key), c.format, state.lang))),
                  list.detail ? el('td', {}, el('button', { type: 'button', class: 'button-light record-open', onclick: () => openRecord(row) }, t('records.open'))) : null,
                ),
              ),
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('records.none')),
    records.hasNextPage ? el('button', { type: 'button', class: 'button-light records-more', onclick: () => loadRecordsPage() }, t('records.more')) : null,
  );
}

/** A case: its fields, its place (grid and building, which open), and its history. */
function recordView(record) {
  const back = el('button', { type: 'button', class: 'button-light record-back', onclick: () => ((state.records.record = null), renderRecords()) }, t('records.back'));
  if (record.loading) return el('div', { class: 'record' }, back);
  if (record.error) return el('div', { class: 'record' }, back, el('div', { class: 'alert alert-error', dataset: { code: record.error.code } }, errorView(record.error)));
  const c = record.data;
  const place = record.place ?? [c.gridCode, c.buildingCode].filter(Boolean).map((code) => ({ code, name: code }));
  const row = (label, ...value) => el('tr', {}, el('th', {}, label), el('td', {}, ...value));
  return el(
    'div',
    { class: 'record', dataset: { record: c.id } },
    back,
    el('h3', {}, `${c.number} · ${c.title}`),
    el(
      'table',
      { class: 'record-fields' },
      row(t('records.description'), c.description),
      row(tr({ zh: '状态', en: 'State' }), c.state, c.overdue ? el('span', { class: 'figure-alert' }, ` (${tr({ zh: '逾期', en: 'overdue' })})`) : null),
      row(t('records.deadline'), cellText(c.deadline, 'datetime')),
      c.closedAt ? row(t('records.closedAt'), cellText(c.closedAt, 'datetime')) : null,
      row(t('records.place'), ...place.flatMap((unit, i) => [i ? ' / ' : null, el('a', { href: `#unit=${unit.code}`, class: 'record-place', dataset: { place: unit.code } }, unit.name)])),
      row(t('records.reporter'), [c.reporterName, c.reporterPhone].filter(Boolean).join(' ') || '—'),
    ),
    el('h4', {}, t('records.history')),
    el(
      'ol',
      { class: 'record-history' },
      c.history.map((h) => el('li', { dataset: { action: h.action } }, `${cellText(h.at, 'datetime')} · ${h.action} · ${h.fromState ?? '—'} → ${h.toState} · ${h.actorRole ?? ''}${h.note ? ` · ${h.note}` : ''}`)),
    ),
  );
}

/* ------------------------------------------------------------------------------------------------------
 * Wiring.
 * ---------------------------------------------------------------------------------------------------- */

/** Loads what the caller sees again (after a change of period). */
function reload() {
  if (isPartner()) return loadPartner();
  if (state.me && state.unitCode) return loadUnit(state.unitCode);
  render();
}

function init() {
  takeTokenFromAddress();

  $('#signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token-input').value.trim().replace(/^Bearer\s+/i, '');
    if (!token) return;
    state.token = token;
    state.error = null;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('#token-input').value = '';
    start();
  });
  $('#signout').addEventListener('click', () => {
    DashboardSignIn.endAtProvider();
    sessionStorage.removeItem(TOKEN_KEY);
    Object.assign(state, { token: null, me: null, unit: null, partner: null, ancestors: [], error: null, warnings: [] });
    history.replaceState(null, '', location.pathname + location.search);
    showSignIn();
  });
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, state.lang);
    render();
  });
  $('#period').addEventListener('change', (event) => {
    state.periodId = event.target.value;
    state.records = null;
    reload();
  });
  $('#records-close').addEventListener('click', () => {
    state.records = null;
    renderRecords();
  });
  $('#records-csv').addEventListener('click', () => exportList('csv'));
  $('#ranking-csv').addEventListener('click', () => exportRanking('csv'));
  $('#ranking-xlsx').addEventListener('click', () => exportRanking('xlsx'));
  $('#records-xlsx').addEventListener('click', () => exportList('xlsx'));
  $('#ranking-metric').addEventListener('change', (event) => {
    state.rankingId = event.target.value;
    loadRanking();
  });
  window.addEventListener('hashchange', () => {
    // A new token in the address signs in again; otherwise the address names the unit to show.
    if (takeTokenFromAddress() || !state.me) {
      state.me = null;
      return start();
    }
    if (isPartner()) return loadPartner();
    loadUnit(unitFromAddress() ?? state.me.unit);
  });
  window.addEventListener('resize', () => {
    for (const node of document.querySelectorAll('.chart')) echarts.getInstanceByDom(node)?.resize();
  });

  // Sign-in through the identity provider (sign-in.js): its answer in the address becomes the token.
  DashboardSignIn.init();
  DashboardSignIn.completeIfAnswered().then(start);
}

init();
