// The console's one Alpine component: every figure it shows and every change it makes goes
// through /api/v1 with the token the user signed in with, kept in this tab's sessionStorage.
document.addEventListener('alpine:init', () => {
  const RANK = {reader: 1, operator: 2, admin: 3};
  const TOKEN_KEY = 'hindsight.token';
  const USAGE_EVERY_TICKS = 15; // the history lists the repository: every 30 s, not every 2 s
  let chart = null; // uPlot's instance stays out of Alpine's reactive proxies
  let stream = null; // the AbortController of the open activity stream

  const ACTIVITY_ROWS = 50; // as many as GET /operations and /audit give by default

  // One server-sent event ("event: kind", "data: json" lines) as [kind, object]; a comment
  // (": text") as ['comment', text].
  function parseEvent(block) {
    let kind = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) return ['comment', line.substring(1).trim()];
      if (line.startsWith('event:')) kind = line.substring(6).trim();
      else if (line.startsWith('data:')) data += line.substring(5).trim();
    }
    return data ? [kind, JSON.parse(data)] : null;
  }

  // The fulls, differentials, log and LTR fulls stacked (each series is the sum of those below
  // it, drawn top first so the lower ones paint over), the allowance line and the billable part.
  function drawUsage(el, points, bytes) {
    if (points.length === 1) {
      // uPlot widens a lone point's time axis by years; an empty point six hours before keeps it to hours
      points = [{at: new Date(Date.parse(points[0].at) - 6 * 3600 * 1000).toISOString(), storedBytes: null,
        allowanceBytes: null, billableBytes: null, byType: null}, points[0]];
    }
    const parts = ['full', 'differential', 'log', 'ltr'];
    const colors = {full: '#1d3557', differential: '#457b9d', log: '#a8dadc', ltr: '#e9c46a'};
    const xs = points.map(p => Date.parse(p.at) / 1000);
    const raw = {};
    parts.forEach(t => raw[t] = points.map(p => p.byType ? p.byType[t] : null));
    const stacked = parts.map((t, i) => points.map((p, k) => p.byType
      ? parts.slice(0, i + 1).reduce((sum, u) => sum + p.byType[u], 0) : null));
    const series = [{}];
    const data = [xs];
    for (let i = parts.length - 1; i >= 0; i--) {
      const t = parts[i];
      series.push({label: t, stroke: colors[t], fill: colors[t], width: 1,
        value: (u, v, si, idx) => idx == null || raw[t][idx] == null ? '—' : bytes(raw[t][idx])});
      data.push(stacked[i]);
    }
    series.push({label: 'total', stroke: '#1d2733', width: 1, value: (u, v) => v == null ? '—' : bytes(v)});
    data.push(points.map(p => p.storedBytes));
    series.push({label: 'free allowance', stroke: '#2a9d8f', width: 2, dash: [6, 4],
      value: (u, v) => v == null ? '—' : bytes(v)});
    data.push(points.map(p => p.allowanceBytes));
    series.push({label: 'billable', stroke: '#b42318', width: 2, value: (u, v) => v == null ? '—' : bytes(v)});
    data.push(points.map(p => p.billableBytes));
    const options = {width: Math.max(480, el.clientWidth || 900), height: 260, series,
      axes: [{}, {values: (u, ticks) => ticks.map(v => bytes(v)), size: 80}],
      // at least the last six hours: a new server's first sample is not stretched over years
      scales: {x: {time: true, range: (u, min, max) => [Math.min(min, max - 6 * 3600), max + 300]},
        y: {range: (u, min, max) => [0, Math.max(1, max) * 1.1]}}};
    if (chart) {
      chart.destroy();
    }
    el.innerHTML = '';
    chart = new uPlot(options, data, el);
  }

  // An API error as one line: the problem's detail and its hint.
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem.detail || problem.title || ('HTTP ' + status)) + (problem.hint ? ' — ' + problem.hint : ''));
      this.status = status;
      this.problem = problem;
    }
  }

  Alpine.data('hindsight', () => ({
    tokenInput: '',
    signInError: '',
    role: null,
    actor: '',
    view: 'servers',
    servers: [],
    server: null,
    backups: [],
    operations: [],
    audit: [],
    settings: {},
    ruleForm: {name: '', startIp: '', endIp: '', busy: false, error: '', applied: ''},
    createForm: {open: false, engine: 'postgres', tier: 'general-purpose', name: '', adminUser: '', storageSizeGib: null,
      backupRetentionDays: 7, redundancy: '', busy: false, step: '', error: ''},
    restoreForm: {},
    live: false,
    usageNow: null,
    usageError: '',
    ticks: 0,
    timer: null,

    async start() {
      window.addEventListener('hashchange', () => this.route());
      if (location.hash.startsWith('#/link/')) {
        await this.redeemLink(location.hash.substring('#/link/'.length));
        return;
      }
      const kept = sessionStorage.getItem(TOKEN_KEY);
      if (kept) {
        await this.useToken(kept);
      }
    },

    // A one-time link from `hindsight console-url`: its code is traded for this tab's own token,
    // and dropped from the address bar and the history at once.
    async redeemLink(code) {
      history.replaceState(null, '', '#/servers');
      try {
        const response = await fetch('/api/v1/console-links/redeem', {
          method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({code})
        });
        const json = await response.json();
        if (!response.ok) {
          throw new ApiError(response.status, json || {});
        }
        await this.useToken(json.secret);
      } catch (e) {
        this.signInError = e.message;
      }
    },

    async signIn() {
      this.signInError = '';
      await this.useToken(this.tokenInput.trim());
      this.tokenInput = '';
    },

    async useToken(token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      try {
        const me = await this.api('GET', '/whoami');
        this.actor = me.name;
        this.role = me.role;
        this.route();
        clearInterval(this.timer);
        this.timer = setInterval(() => this.refresh(), 2000);
      } catch (e) {
        sessionStorage.removeItem(TOKEN_KEY);
        this.role = null;
        this.signInError = e.message;
      }
    },

    signOut() {
      this.closeStream();
      sessionStorage.removeItem(TOKEN_KEY);
      clearInterval(this.timer);
      this.role = null;
      this.server = null;
      this.servers = [];
      this.audit = [];
      history.replaceState(null, '', '#/servers');
    },

    can(role) {
      return this.role && RANK[this.role] >= RANK[role];
    },

    go(hash) {
      location.hash = hash;
    },

    route() {
      this.closeStream();
      const parts = (location.hash || '#/servers').substring(2).split('/');
      if (parts[0] === 'link' && parts[1]) {
        this.redeemLink(parts[1]);
      } else if (parts[0] === 'servers' && parts[1]) {
        this.view = 'server';
        this.openServer(decodeURIComponent(parts[1]));
      } else if (parts[0] === 'activity') {
        this.view = 'activity';
        this.server = null;
        this.refresh();
      } else {
        this.view = 'servers';
        this.server = null;
        this.refresh();
      }
    },

    async refresh() {
      if (!this.role) {
        return;
      }
      try {
        if (this.view === 'servers') {
          this.servers = await this.api('GET', '/servers');
        } else if (this.view === 'server' && this.server) {
          const name = this.server.name;
          const [shown, backups] = await Promise.all([this.api('GET', '/servers/' + encodeURIComponent(name)),
            this.api('GET', '/servers/' + encodeURIComponent(name) + '/backups')]);
          if (this.server && this.server.name === name) {
            this.server = shown;
            this.backups = backups.slice().reverse();
          }
          if (++this.ticks % USAGE_EVERY_TICKS === 0) {
            await this.loadUsage(name);
          }
        } else if (this.view === 'activity' && !stream) {
          // the stream first, then the lists (once it listens, so nothing falls between them);
          // events that come before the lists are applied on top of them
          this.openStream();
        }
      } catch (e) {
        if (e.status === 401) {
          this.signOut();
          this.signInError = e.message;
        }
      }
    },

    async loadActivity() {
      const [operations, audit] = await Promise.all([this.api('GET', '/operations'),
        this.can('admin') ? this.api('GET', '/audit') : Promise.resolve([])]);
      this.operations = operations;
      this.audit = audit;
    },

    // The activity, live: fetch reads the event stream, as EventSource cannot send the token.
    openStream() {
      const controller = new AbortController();
      stream = controller;
      let early = []; // events before the lists came; null once they are in
      fetch('/api/v1/events', {
        headers: {'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), 'Accept': 'text/event-stream'},
        signal: controller.signal
      }).then(async response => {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        this.live = true;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        while (true) {
          const {value, done} = await reader.read();
          if (done) {
            break;
          }
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = parseEvent(buffer.substring(0, end));
            buffer = buffer.substring(end + 2);
            if (!event) {
              continue;
            }
            if (event[0] === 'comment') {
              if (event[1] === 'connected') {
                this.loadActivity().then(() => {
                  const held = early;
                  early = null;
                  held.forEach(e => this.onActivity(e[0], e[1]));
                }, () => controller.abort());
              }
            } else if (early) {
              early.push(event);
            } else {
              this.onActivity(event[0], event[1]);
            }
          }
        }
      }).catch(() => {}).finally(() => {
        if (stream === controller) {
          stream = null;
          this.live = false;
        }
      });
    },

    closeStream() {
      if (stream) {
        const open = stream;
        stream = null;
        open.abort();
      }
      this.live = false;
    },

    onActivity(kind, data) {
      if (kind === 'operation') {
        const i = this.operations.findIndex(o => o.id === data.id);
        if (i >= 0) this.operations.splice(i, 1, data);
        else this.operations.unshift(data);
        this.operations.splice(ACTIVITY_ROWS);
      } else if (kind === 'audit' && !this.audit.some(e => e.seq === data.seq)) {
        this.audit.unshift(data);
        this.audit.splice(ACTIVITY_ROWS);
      }
    },

    async openServer(name) {
      try {
        this.server = await this.api('GET', '/servers/' + encodeURIComponent(name));
        this.backups = (await this.api('GET', '/servers/' + encodeURIComponent(name) + '/backups')).slice().reverse();
        const ltr = this.server.longTermRetention || {};
        const period = p => !p || p === 'P0D' ? '0' : p;
        this.settings = {
          backupRetentionDays: this.server.backupRetentionDays,
          fullBackupInterval: this.server.fullBackupInterval,
          diffBackupInterval: this.server.diffBackupInterval,
          backupRedundancy: this.server.backupRedundancy || 'local',
          tier: this.server.tier,
          immutabilityDays: this.server.immutabilityDays || 0,
          ltrWeekly: period(ltr.weekly), ltrMonthly: period(ltr.monthly), ltrYearly: period(ltr.yearly),
          error: '', errorField: '', saved: ''
        };
        this.settings.ltrSaved = [this.settings.ltrWeekly, this.settings.ltrMonthly, this.settings.ltrYearly].join();
        this.ticks = 0;
        this.usageNow = null;
        this.$nextTick(() => this.loadUsage(name));
      } catch (e) {
        this.server = null;
        this.view = 'servers';
      }
    },

    async loadUsage(name) {
      const el = document.getElementById('usage-chart');
      if (!el || typeof uPlot === 'undefined') {
        return;
      }
      try {
        const points = await this.api('GET', '/servers/' + encodeURIComponent(name) + '/usage/history');
        if (!this.server || this.server.name !== name) {
          return;
        }
        this.usageError = '';
        this.usageNow = points[points.length - 1];
        drawUsage(el, points, n => this.bytes(n));
      } catch (e) {
        this.usageError = e.message;
      }
    },

    // Sends only what changed; the API's refusal is shown next to the field it names.
    async saveSettings() {
      const s = this.settings;
      s.error = '';
      s.errorField = '';
      s.saved = '';
      const change = {};
      for (const field of ['backupRetentionDays', 'fullBackupInterval', 'diffBackupInterval', 'backupRedundancy',
        'tier', 'immutabilityDays']) {
        const current = this.server[field] || (field === 'backupRedundancy' ? 'local'
          : field === 'immutabilityDays' ? 0 : undefined);
        if (s[field] !== current) {
          change[field] = s[field];
        }
      }
      const ltr = [s.ltrWeekly, s.ltrMonthly, s.ltrYearly].join();
      if (Object.keys(change).length === 0 && ltr === s.ltrSaved) {
        s.saved = 'Nothing to save.';
        return;
      }
      const path = '/servers/' + encodeURIComponent(this.server.name);
      try {
        if (Object.keys(change).length > 0) {
          this.server = await this.api('PATCH', path, change);
        }
      } catch (e) {
        s.error = e.message;
        s.errorField = Object.keys(change).find(f => e.message.toLowerCase().includes(f.toLowerCase())
          || (f === 'backupRetentionDays' && /retention/i.test(e.message))) || '';
        return;
      }
      if (ltr !== s.ltrSaved) {
        try {
          await this.api('PUT', path + '/ltr', {weekly: s.ltrWeekly, monthly: s.ltrMonthly, yearly: s.ltrYearly,
            weekOfYear: (this.server.longTermRetention || {}).weekOfYear});
          s.ltrSaved = ltr;
          this.server = await this.api('GET', path);
        } catch (e) {
          s.error = e.message;
          s.errorField = 'ltr';
          return;
        }
      }
      s.saved = 'Saved.';
    },

    // A rule is applied by the server at once; the answer says how (reloaded, restarted).
    async addRule() {
      const f = this.ruleForm;
      f.error = '';
      f.applied = '';
      f.busy = true;
      const path = '/servers/' + encodeURIComponent(this.server.name) + '/firewall-rules/' + encodeURIComponent(f.name);
      try {
        const change = await this.api('PUT', path, {startIp: f.startIp, endIp: f.endIp || f.startIp});
        this.server.firewallRules = change.rules;
        f.applied = 'Listening on ' + change.listensOn + '; ' + change.applied + '.';
        f.name = f.startIp = f.endIp = '';
      } catch (e) {
        f.error = e.message;
      } finally {
        f.busy = false;
      }
    },

    async deleteRule(name) {
      const f = this.ruleForm;
      f.error = '';
      f.applied = '';
      try {
        const change = await this.api('DELETE', '/servers/' + encodeURIComponent(this.server.name)
          + '/firewall-rules/' + encodeURIComponent(name));
        this.server.firewallRules = change.rules;
        f.applied = 'Listening on ' + change.listensOn + '; ' + change.applied + '.';
      } catch (e) {
        f.error = e.message;
      }
    },

    async createServer() {
      const f = this.createForm;
      f.error = '';
      f.busy = true;
      const body = {name: f.name, engine: f.engine, tier: f.tier};
      if (f.adminUser) body.adminUser = f.adminUser;
      if (f.storageSizeGib) body.storageSizeGib = f.storageSizeGib;
      if (f.backupRetentionDays !== '' && f.backupRetentionDays != null) body.backupRetentionDays = f.backupRetentionDays;
      if (f.redundancy === 'dev') body.workload = 'dev';
      else if (f.redundancy) body.backupRedundancy = f.redundancy;
      try {
        const op = await this.api('POST', '/servers', body);
        await this.follow(op, step => f.step = step);
        f.open = false;
        f.step = '';
        f.name = '';
        this.servers = await this.api('GET', '/servers');
      } catch (e) {
        f.error = e.message;
        f.step = '';
      } finally {
        f.busy = false;
      }
    },

    openRestore() {
      const s = this.server;
      this.restoreForm = {
        point: 'latest', geo: false, name: s.name + '-restored', busy: false, step: '', error: '', done: false,
        min: this.local(s.earliestRestorePoint), max: this.local(s.latestRestorePoint),
        time: this.local(s.latestRestorePoint)
      };
      this.$refs.restoreDialog.showModal();
    },

    async restore() {
      const f = this.restoreForm;
      f.error = '';
      f.busy = true;
      const body = {sourceServer: this.server.name, name: f.name};
      if (f.point === 'custom') {
        body.restoreTime = f.time.length === 16 ? f.time + ':00Z' : f.time + 'Z';
      } else {
        body.latest = true;
      }
      try {
        const op = await this.api('POST', f.geo ? '/geo-restores' : '/restores', body);
        const result = await this.follow(op, step => f.step = step);
        f.summary = 'Restored to ' + this.time(result.pointInTime) + ' as new server ' + f.name + '.';
        f.connectionString = result.connectionString;
        f.note = result.note;
        f.done = true;
      } catch (e) {
        f.error = e.message;
        f.step = '';
      } finally {
        f.busy = false;
      }
    },

    // Polls an operation until it ends; its steps go to onStep, its error is thrown.
    async follow(op, onStep) {
      while (true) {
        const now = await this.api('GET', '/operations/' + op.id);
        onStep((now.step || '') + (now.progress != null ? ' (' + now.progress + '%)' : ''));
        if (now.status === 'succeeded') {
          return now.result;
        }
        if (now.status === 'failed') {
          throw new ApiError(500, {detail: now.error, hint: now.hint});
        }
        await new Promise(r => setTimeout(r, 500));
      }
    },

    async api(method, path, body) {
      const headers = {'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN_KEY)};
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
      }
      const response = await fetch('/api/v1' + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body)
      });
      const text = await response.text();
      const json = text ? JSON.parse(text) : null;
      if (!response.ok) {
        throw new ApiError(response.status, json || {});
      }
      return json;
    },

    time(iso) {
      return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC') : '—';
    },

    // An instant as a datetime-local value in UTC, to the second.
    local(iso) {
      return iso ? iso.substring(0, 19) : '';
    },

    seconds(n) {
      return n == null ? '—' : n + ' s';
    },

    bytes(n) {
      if (n == null) return '';
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let i = 0;
      while (n >= 1024 && i < units.length - 1) {
        n /= 1024;
        i++;
      }
      return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
    }
  }));
});
