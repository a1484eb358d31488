// The console's one Alpine component: every figure it shows and every change it makes goes
// through /api/v1 with the token the user signed in with, kept in this tab's sessionStorage.
document.addEventListener('alpine:init', () => {
  const RANK = {reader: 1, operator: 2, admin: 3};
  const TOKEN_KEY = 'hindsight.token';

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
    timer: null,

    async start() {
      window.addEventListener('hashchange', () => this.route());
      const kept = sessionStorage.getItem(TOKEN_KEY);
      if (kept) {
        await this.useToken(kept);
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
      const parts = (location.hash || '#/servers').substring(2).split('/');
      if (parts[0] === 'servers' && parts[1]) {
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
        } else if (this.view === 'activity') {
          this.operations = await this.api('GET', '/operations');
          if (this.can('admin')) {
            this.audit = await this.api('GET', '/audit');
          }
        }
      } catch (e) {
        if (e.status === 401) {
          this.signOut();
          this.signInError = e.message;
        }
      }
    },

    async openServer(name) {
      try {
        this.server = await this.api('GET', '/servers/' + encodeURIComponent(name));
        this.backups = (await this.api('GET', '/servers/' + encodeURIComponent(name) + '/backups')).slice().reverse();
        this.settings = {
          backupRetentionDays: this.server.backupRetentionDays,
          fullBackupInterval: this.server.fullBackupInterval,
          diffBackupInterval: this.server.diffBackupInterval,
          tier: this.server.tier,
          error: '', errorField: '', saved: ''
        };
      } catch (e) {
        this.server = null;
        this.view = 'servers';
      }
    },

    // Sends only what changed; the API's refusal is shown next to the field it names.
    async saveSettings() {
      const s = this.settings;
      s.error = '';
      s.errorField = '';
      s.saved = '';
      const change = {};
      for (const field of ['backupRetentionDays', 'fullBackupInterval', 'diffBackupInterval', 'tier']) {
        if (s[field] !== this.server[field]) {
          change[field] = s[field];
        }
      }
      if (Object.keys(change).length === 0) {
        s.saved = 'Nothing to save.';
        return;
      }
      try {
        this.server = await this.api('PATCH', '/servers/' + encodeURIComponent(this.server.name), change);
        s.saved = 'Saved.';
      } catch (e) {
        s.error = e.message;
        s.errorField = Object.keys(change).find(f => e.message.toLowerCase().includes(f.toLowerCase())
          || (f === 'backupRetentionDays' && /retention/i.test(e.message))) || '';
      }
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
