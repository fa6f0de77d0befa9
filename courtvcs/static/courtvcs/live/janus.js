// The SFU media plane: every site sends its camera and microphone once, to the court's
// Janus server (VideoRoom plugin), and receives each other site's feed from it. Same class
// shape as mesh.js, so the room page does not change: links per remote peer, their
// RTCPeerConnections for the quality watch (R22) and the test call (R13).
//
// The page talks Janus' JSON API over its WebSocket transport (subprotocol janus-protocol),
// with the room, its PIN and this page's own token from the server (welcome.plane.janus).
// A publisher's display is "<site>|<peer id>", so each feed maps back to the peer the
// signalling server announced. Recovery is by rebuilding: when Janus stops answering
// keepalives, or a media link stays down, the page makes a new session, publishes again
// and subscribes again; the other pages follow the new feed of the same peer.

const KEEPALIVE_MS = 5000;         // a keepalive this often ...
const DEAD_AFTER_MS = 12000;       // ... and the server is gone if nothing came back for this long
const OPEN_TIMEOUT_MS = 5000;      // a WebSocket not open by then is given up (a cut network)
const REQUEST_TIMEOUT_MS = 10000;
const DOWN_AFTER_MS = 4000;        // a link down this long: rebuild
const REBUILD_EVERY_MS = 3000;     // and again while it stays down
const SILENT_AFTER_MS = 3000;      // a feed that received packets and then none for this long is "disconnected"
// A feed not connected by then is subscribed again. Six sites on a busy two-core machine
// took up to 12 s; at 10 s the restarts piled new subscriptions on a loaded Janus.
const FEED_NEVER_CONNECTED_MS = 20000;
// The same for this page's own publisher: Janus announces a feed to the others only once it
// is connected, so one stuck connecting would leave every other site without this one.
const PUBLISH_NEVER_CONNECTED_MS = 20000;
// A feed connected this long without a single packet carries nothing: subscribed again.
const NO_MEDIA_MS = 10000;

let txnSeq = 0;
const nextTxn = () => `t${Date.now().toString(36)}${(txnSeq += 1)}`;

class JanusError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

// One WebSocket to Janus with one session on it.
class Connection {
  constructor(url, token, { onEvent, onClose }) {
    Object.assign(this, { url, token, onEvent, onClose });
    this.pending = new Map(); // transaction -> {resolve, reject, waitEvent}
    this.closed = false;
    this.lastHeard = Date.now();
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, "janus-protocol");
      this.ws = ws;
      const timer = setTimeout(() => { ws.close(); reject(new JanusError("timeout opening the media server")); },
        OPEN_TIMEOUT_MS);
      ws.onopen = () => { clearTimeout(timer); resolve(); };
      ws.onerror = () => { clearTimeout(timer); reject(new JanusError("media server unreachable")); };
      ws.onclose = () => { clearTimeout(timer); this.gone(); };
      ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    });
  }

  gone() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    for (const { reject } of this.pending.values()) reject(new JanusError("connection closed"));
    this.pending.clear();
    this.onClose();
  }

  receive(msg) {
    this.lastHeard = Date.now();
    const waiting = msg.transaction && this.pending.get(msg.transaction);
    if (waiting) {
      if (msg.janus === "ack" && waiting.waitEvent) return;
      this.pending.delete(msg.transaction);
      const data = msg.plugindata && msg.plugindata.data;
      if (msg.janus === "error") waiting.reject(new JanusError(msg.error.reason, msg.error.code));
      else if (data && data.error) waiting.reject(new JanusError(data.error, data.error_code));
      else waiting.resolve(msg);
      return; // the answer to a request goes to whoever sent it
    }
    if (["event", "trickle", "webrtcup", "hangup", "media", "slowlink", "detached"].includes(msg.janus)) {
      this.onEvent(msg);
    }
  }

  send(body, { waitEvent = false } = {}) {
    if (this.closed) return Promise.reject(new JanusError("connection closed"));
    const transaction = nextTxn();
    const full = { ...body, transaction, token: this.token };
    if (this.session && !full.session_id) full.session_id = this.session;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(`no answer to ${body.janus}`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(transaction, {
        waitEvent,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.ws.send(JSON.stringify(full));
    });
  }

  async start() {
    await this.open();
    const created = await this.send({ janus: "create" });
    this.session = created.data.id;
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastHeard > DEAD_AFTER_MS) { this.close(); return; }
      this.send({ janus: "keepalive" }).catch(() => {});
    }, KEEPALIVE_MS);
  }

  async attach() {
    const answer = await this.send({ janus: "attach", plugin: "janus.plugin.videoroom" });
    return answer.data.id;
  }

  message(handle, body, jsep, waitEvent = true) {
    const msg = { janus: "message", handle_id: handle, body };
    if (jsep) msg.jsep = jsep;
    return this.send(msg, { waitEvent });
  }

  // A subscription given up is detached, or Janus keeps sending its media to nobody.
  detach(handle) {
    if (!this.closed) this.send({ janus: "detach", handle_id: handle }).catch(() => {});
  }

  trickle(handle, candidate) {
    this.send({ janus: "trickle", handle_id: handle, candidate: candidate || { completed: true } }).catch(() => {});
  }

  close() {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.session) {
      try { this.ws.send(JSON.stringify({ janus: "destroy", session_id: this.session, transaction: nextTxn(), token: this.token })); } catch { /* closing anyway */ }
    }
    if (this.ws) this.ws.close();
    this.gone();
  }
}

// A remote peer's feed, received on its own RTCPeerConnection.
class Feed {
  constructor(plane, peerId, feedId) {
    Object.assign(this, { plane, peerId, feedId });
    this.pc = null;
    this.handle = null;
    this.closed = false;
    this.stream = new MediaStream();
    this.packets = 0;
    this.packetsAt = 0;
    this.silent = false;
    this.reported = "";
    this.createdAt = Date.now();
    this.lastRestart = this.createdAt;
    this.everConnected = false;
    this.connectedAt = 0;
    this.noMedia = false;
    // What the room page and the quality watch read: the real connection, except that a
    // feed whose packets stopped (the other site cut off; Janus still answers) is down.
    const feed = this;
    this.view = {
      // Between two subscriptions (a feed being restarted) there is no connection yet.
      getStats: () => (feed.pc ? feed.pc.getStats() : Promise.resolve(new Map())),
      get connectionState() { return feed.state(); },
    };
  }

  state() {
    const real = this.pc ? this.pc.connectionState : "new";
    return real === "connected" && this.silent ? "disconnected" : real;
  }

  report() {
    const state = this.state();
    // The signalling server refuses reports about peers it has not announced to this page.
    if (!this.plane.known.has(this.peerId)) return;
    // A new feed of a peer whose link was up before stays "down" until it is up again, so
    // the court sees the site lost and then reconnected (R22), not connecting afresh.
    if (state === "connected") this.plane.wasUp.add(this.peerId);
    else if (this.plane.wasUp.has(this.peerId) && ["new", "connecting"].includes(state)) return;
    if (state !== this.reported) {
      this.reported = state;
      this.plane.onLinkState(this.peerId, state);
    }
  }

  // Each step may find the feed replaced meanwhile (restarted, or the peer published
  // again): then it stops quietly, and the replacement carries on.
  async subscribe(conn) {
    const plane = this.plane;
    this.conn = conn;
    const handle = await conn.attach();
    this.handle = handle;
    if (this.closed) { conn.detach(handle); return; }
    plane.handles.set(handle, this);
    const pc = new RTCPeerConnection({ iceServers: plane.iceServers });
    this.pc = pc;
    pc.onicecandidate = ({ candidate }) => conn.trickle(this.handle, candidate);
    pc.ontrack = ({ track }) => {
      for (const old of this.stream.getTracks().filter((t) => t.kind === track.kind)) this.stream.removeTrack(old);
      this.stream.addTrack(track);
      plane.onTrack(this.peerId, this.stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") {
        this.everConnected = true;
        this.connectedAt = this.connectedAt || Date.now();
      }
      this.report();
    };
    const answer = await conn.message(this.handle, {
      request: "join", ptype: "subscriber", room: plane.janus.room, pin: plane.janus.pin,
      token: plane.janus.token, streams: [{ feed: this.feedId }],
    });
    await this.accept(conn, answer.jsep);
  }

  async accept(conn, jsep) {
    const pc = this.pc;
    if (this.closed || !pc) return;
    if (!jsep) throw new JanusError("the media server sent no offer");
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    if (this.closed) return;
    await conn.message(this.handle, { request: "start" }, pc.localDescription);
  }

  async onEvent(msg, conn) {
    if (msg.janus === "trickle") {
      const c = msg.candidate;
      if (this.pc && c && !c.completed) await this.pc.addIceCandidate(c).catch(() => {});
    } else if (msg.jsep && msg.jsep.type === "offer" && this.pc) {
      await this.accept(conn, msg.jsep).catch((err) => console.warn("feed renegotiation failed", err.message));
    }
  }

  // Called every second: did packets come since the last look?
  async watch() {
    if (!this.pc || this.pc.connectionState !== "connected") { this.report(); return; }
    let packets = 0;
    try {
      const stats = await this.pc.getStats();
      stats.forEach((s) => { if (s.type === "inbound-rtp") packets += s.packetsReceived || 0; });
    } catch { return; }
    const now = Date.now();
    if (packets > this.packets) {
      this.packets = packets;
      this.packetsAt = now;
      this.silent = false;
    } else if (this.packetsAt && now - this.packetsAt > SILENT_AFTER_MS) {
      this.silent = true;
    }
    this.noMedia = !this.packets && this.connectedAt > 0 && now - this.connectedAt > NO_MEDIA_MS;
    this.report();
  }

  // The room page's "reconnect this site" (R22): subscribe again.
  restart() {
    this.lastRestart = Date.now();
    this.plane.resubscribe(this.peerId);
  }

  close() {
    this.closed = true;
    if (this.pc) this.pc.close();
    this.pc = null;
    if (this.handle === null) return; // still attaching: subscribe detaches it
    this.plane.handles.delete(this.handle);
    if (this.conn) this.conn.detach(this.handle);
  }
}

export class JanusPlane {
  constructor({ iceServers, localStream, onTrack, onLinkState, myPeerId, config }) {
    Object.assign(this, { iceServers, localStream, onTrack, onLinkState, myPeerId });
    this.janus = (config && config.janus) || null;
    this.links = new Map();     // peer id -> Feed (what the page calls links)
    this.feeds = new Map();     // peer id -> the newest feed id Janus announced for it
    this.handles = new Map();   // handle id -> Feed
    this.known = new Set();     // peers the signalling server announced (addPeer)
    this.wasUp = new Set();     // peers whose feed has been connected once
    this.conn = null;
    this.publisher = null;      // {handle, pc, up}
    this.downSince = null;
    this.lastBuild = 0;
    this.building = false;
    this.closed = false;
    if (!this.janus) {
      console.warn("the media server gave this page no room (no Janus configuration)");
      return;
    }
    this.url = this.janus.url.replace("{host}", window.location.hostname);
    this.watchdog = setInterval(() => this.watch(), 1000);
    this.build();
  }

  // --- the session: made, and made again after a failure -------------------------------
  async build() {
    if (this.building || this.closed) return;
    this.building = true;
    this.lastBuild = Date.now();
    this.teardown();
    const conn = new Connection(this.url, this.janus.token, {
      onEvent: (msg) => this.onEvent(msg, conn),
      onClose: () => { if (this.conn === conn) this.downSince = this.downSince || Date.now(); },
    });
    this.conn = conn;
    try {
      await conn.start();
      await this.publish(conn);
      this.downSince = null;
    } catch (err) {
      console.warn("media server session failed:", err.message);
      this.downSince = this.downSince || Date.now();
      conn.close();
    } finally {
      this.building = false;
    }
  }

  teardown() {
    if (this.conn) this.conn.close();
    this.conn = null;
    if (this.publisher && this.publisher.pc) this.publisher.pc.close();
    this.publisher = null;
    this.handles.clear();
    for (const feed of this.links.values()) { if (feed.pc) feed.pc.close(); feed.pc = null; }
    this.feeds.clear();
  }

  async publish(conn) {
    const handle = await conn.attach();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.publisher = { handle, pc };
    this.handles.set(handle, this.publisher);
    pc.onicecandidate = ({ candidate }) => conn.trickle(handle, candidate);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected" && this.publisher && this.publisher.pc === pc) {
        this.publisher.up = true;
        this.downSince = null;
      }
    };
    // In a large call every page decodes every other site: each sends fewer frames and bits
    // (welcome.plane.janus.send, by the number of sites), so phones and the courtroom keep up.
    const send = this.janus.send;
    for (const track of this.localStream.getTracks()) {
      const init = { direction: "sendonly", streams: [this.localStream] };
      if (send && track.kind === "video") {
        init.sendEncodings = [{
          maxFramerate: send.max_fps, maxBitrate: send.max_kbps * 1000, scaleResolutionDownBy: send.scale_down || 1,
        }];
      }
      pc.addTransceiver(track, init);
    }
    const join = {
      request: "join", ptype: "publisher", room: this.janus.room, pin: this.janus.pin,
      token: this.janus.token, display: `${this.janus.site}|${this.myPeerId}`,
    };
    // The feed id the server noted for the recording (R4); after a cut the old publisher
    // may still hold it until Janus times its session out: then Janus picks one.
    if (this.janus.feed && !this.feedTaken) join.id = this.janus.feed;
    let joined;
    try {
      joined = await conn.message(handle, join);
    } catch (err) {
      if (!join.id || err.code !== 436) throw err; // JANUS_VIDEOROOM_ERROR_ID_EXISTS
      this.feedTaken = true;
      delete join.id;
      joined = await conn.message(handle, join);
    }
    this.ownFeed = joined.plugindata.data.id;
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await conn.message(handle, { request: "configure", audio: true, video: true }, pc.localDescription);
    await pc.setRemoteDescription(answer.jsep);
    this.onPublishers(joined.plugindata.data.publishers || [], conn);
  }

  // --- what Janus tells us -------------------------------------------------------------
  onEvent(msg, conn) {
    if (conn !== this.conn) return;
    const target = this.handles.get(msg.sender);
    if (target instanceof Feed) {
      target.onEvent(msg, conn);
      return;
    }
    if (msg.janus === "trickle" && this.publisher && target === this.publisher) {
      const c = msg.candidate;
      if (c && !c.completed) this.publisher.pc.addIceCandidate(c).catch(() => {});
      return;
    }
    const data = msg.plugindata && msg.plugindata.data;
    if (!data) return;
    if (data.publishers) this.onPublishers(data.publishers, conn);
    const gone = data.unpublished || data.leaving;
    if (gone && gone !== "ok") {
      for (const [peerId, feedId] of this.feeds) {
        if (feedId === gone) { this.feeds.delete(peerId); this.dropFeed(peerId); }
      }
    }
  }

  onPublishers(list, conn) {
    for (const p of list) {
      const peerId = String(p.display || "").split("|")[1];
      if (!peerId || peerId === this.myPeerId || p.id === this.ownFeed) continue;
      if (this.feeds.get(peerId) === p.id) continue;
      // A peer that published again (its network came back) replaces its older feed.
      this.feeds.set(peerId, p.id);
      this.subscribeTo(peerId, conn);
    }
  }

  async subscribeTo(peerId, conn = this.conn) {
    const feedId = this.feeds.get(peerId);
    if (!conn || feedId === undefined) return;
    this.dropFeed(peerId, false);
    const feed = new Feed(this, peerId, feedId);
    this.links.set(peerId, feed);
    try {
      await feed.subscribe(conn);
    } catch (err) {
      if (feed.closed) return; // replaced meanwhile: not a failure
      console.warn(`subscribing to ${peerId} failed:`, err.message);
      feed.failedAt = Date.now();
    }
  }

  dropFeed(peerId, tell = true) {
    const feed = this.links.get(peerId);
    if (!feed) return;
    feed.close();
    this.links.delete(peerId);
    if (tell && this.known.has(peerId)) this.onLinkState(peerId, "closed");
  }

  resubscribe(peerId) {
    if (this.feeds.has(peerId)) this.subscribeTo(peerId);
  }

  // --- watching the links --------------------------------------------------------------
  watch() {
    if (this.closed) return;
    const now = Date.now();
    const pub = this.publisher && this.publisher.pc;
    const pubDown = pub && (["failed", "disconnected"].includes(pub.connectionState)
      || (!this.publisher.up && !this.building && now - this.lastBuild > PUBLISH_NEVER_CONNECTED_MS));
    if (pubDown || (!this.conn && !this.building)) this.downSince = this.downSince || now;
    else if (pub && pub.connectionState === "connected" && this.conn && !this.conn.closed) this.downSince = null;
    if (this.conn && this.conn.closed) this.downSince = this.downSince || now;
    if (this.downSince && now - this.downSince > DOWN_AFTER_MS && now - this.lastBuild > REBUILD_EVERY_MS) {
      this.build();
      return;
    }
    for (const feed of this.links.values()) {
      feed.watch();
      const state = feed.pc ? feed.pc.connectionState : "new"; // still attaching
      feed.downSince = ["failed", "disconnected"].includes(state) ? (feed.downSince || now) : null;
      const stuck = (feed.downSince && now - feed.downSince > DOWN_AFTER_MS)
        || (feed.failedAt && now - feed.failedAt > 2000)
        || feed.noMedia
        || (["new", "connecting"].includes(state) && now - feed.createdAt > FEED_NEVER_CONNECTED_MS);
      if (stuck && now - feed.lastRestart > REBUILD_EVERY_MS && this.conn && !this.conn.closed) feed.restart();
      else if (stuck) feed.lastRestart = feed.lastRestart || now;
    }
  }

  // --- the interface the room page uses (mesh.js has the same) -------------------------
  has(peerId) { return this.links.has(peerId); }

  // The signalling server announced a peer (again): its feed follows from Janus; a link
  // that is down is made again now rather than at the next check.
  addPeer(peerId) {
    this.known.add(peerId);
    const feed = this.links.get(peerId);
    if (feed) feed.report();
    if (feed && feed.everConnected && feed.state() !== "connected" && Date.now() - feed.lastRestart > 1000) feed.restart();
    return feed;
  }

  removePeer(peerId) {
    this.known.delete(peerId);
    this.dropFeed(peerId, false);
  }

  async handleSignal() {
    // Media goes through Janus: nothing to relay between the pages.
  }

  restartAll() {
    this.lastBuild = 0;
    this.downSince = Date.now() - DOWN_AFTER_MS - 1;
    this.watch();
  }

  connections() {
    return [...this.links.entries()].filter(([, feed]) => feed.pc).map(([peerId, feed]) => [peerId, feed.view]);
  }

  close() {
    this.closed = true;
    clearInterval(this.watchdog);
    this.teardown();
    this.links.clear();
  }
}

export { JanusPlane as Plane };
