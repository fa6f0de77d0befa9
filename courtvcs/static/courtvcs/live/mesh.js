// The embedded media plane: browser-to-browser WebRTC, one RTCPeerConnection per peer
// ("perfect negotiation", so either end may (re)start negotiating at any time).
// An SFU plane (janus.js) exports the same class shape: the room page does not change.

const RESTART_AFTER_MS = 3000; // a link "disconnected" this long restarts ICE (the impolite end)
const POLITE_RESTART_AFTER_MS = 7000; // and the polite end, if the other end did not
const RETRY_EVERY_MS = 5000;   // and keeps restarting while it stays down
// A first connection not made by then starts over. A six-site mesh on a busy two-core
// machine took 14 s to connect every pair; restarting sooner only started them again.
const NEVER_CONNECTED_MS = 20000;
// An offer with no answer by then was lost. Offers are lost only with the signalling, and
// its return is handled at once (peerBack): this is the net under that, so it is long
// enough for a loaded browser to answer.
const STALE_OFFER_MS = 15000;

class PeerLink {
  constructor(plane, peerId, polite) {
    this.plane = plane;
    this.peerId = peerId;
    this.polite = polite;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.downSince = null;
    this.lastRestart = 0;
    this.pending = [];
    this.createdAt = Date.now();
    // Offers are numbered and an answer names the offer it answers: an answer to an offer
    // taken back (stale, or restarted) must not be applied to the next one, whose m-lines
    // may differ ("order of m-lines doesn't match" left the link unable to negotiate).
    this.offerSeq = 0;
    this.queue = Promise.resolve();
    // "relay" (iceTransportPolicy from live/turn.py): media only through the TURN relay.
    const pc = new RTCPeerConnection({ iceServers: plane.iceServers, iceTransportPolicy: plane.iceTransportPolicy || "all" });
    this.pc = pc;
    // Of two peers, the impolite one makes the first offer; the other adds its camera and
    // microphone to the transceivers of that offer (see apply), so the first negotiation
    // is one offer and one answer, with no collision to resolve.
    this.sending = !polite;
    if (this.sending) this.addTracks();
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.sendDescription();
      } catch (err) {
        console.warn("offer failed", err);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => plane.sendSignal(peerId, { candidate });
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] || new MediaStream([track]);
      plane.onTrack(peerId, stream);
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      this.downSince = ["disconnected", "failed"].includes(state) ? (this.downSince || Date.now()) : null;
      if (state === "connected") {
        // Back after being down: the receiver's decoder lost frames in the gap and would
        // wait seconds (NACKs, then a key-frame request) before showing video again.
        if (this.wasDown) this.sendKeyFrame();
        this.everConnected = true;
        this.wasDown = false;
      } else if (this.everConnected && ["disconnected", "failed"].includes(state)) {
        this.wasDown = true;
      }
      if (state === "failed") this.restart();
      plane.onLinkState(peerId, state);
    };
  }

  sendDescription() {
    const description = this.pc.localDescription;
    if (description.type === "offer") {
      this.offerSeq += 1;
      this.plane.sendSignal(this.peerId, { description, offer: this.offerSeq });
    } else {
      this.plane.sendSignal(this.peerId, { description, answers: this.answering });
    }
  }

  // Signals are applied one at a time, in the order they came: perfect negotiation
  // assumes it, and the page's message handler does not wait for the previous one.
  // Taking back an offer goes through the same queue, or an answer applied in between
  // leaves nothing to take back ("rollback failed ... stable").
  serially(step) {
    this.queue = this.queue.then(step);
    return this.queue;
  }

  handle(data) {
    return this.serially(() => this.apply(data));
  }

  async apply({ description, candidate, offer, answers }) {
    const pc = this.pc;
    try {
      if (description) {
        if (description.type === "answer"
            && (pc.signalingState !== "have-local-offer" || (answers !== undefined && answers !== this.offerSeq))) {
          return; // the answer to an offer taken back since: the next offer has its own
        }
        const collision = description.type === "offer"
          && (this.makingOffer || pc.signalingState !== "stable");
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        if (description.type === "offer") {
          this.answering = offer;
          if (!this.sending) this.addTracks();
          await pc.setLocalDescription();
          this.sendDescription();
        }
        await this.flushCandidates();
      } else if (candidate !== undefined) {
        if (!pc.remoteDescription || this.ignoreOffer) {
          // Too early, or after an offer we ignored: the same ICE credentials may come back
          // with the answer, so keep them for then rather than lose them.
          this.pending.push(candidate);
          return;
        }
        await pc.addIceCandidate(candidate);
      }
    } catch (err) {
      // A late answer after a rollback, a candidate of an older generation: harmless.
      console.warn("signal not applied", err.name, err.message);
    }
  }

  // Switching the video encoding off and on makes the encoder start with a key frame,
  // which the other end can decode at once.
  async sendKeyFrame() {
    for (const sender of this.pc.getSenders()) {
      if (!sender.track || sender.track.kind !== "video") continue;
      try {
        const params = sender.getParameters();
        if (!params.encodings || !params.encodings.length) continue;
        params.encodings.forEach((e) => { e.active = false; });
        await sender.setParameters(params);
        const again = sender.getParameters();
        again.encodings.forEach((e) => { e.active = true; });
        await sender.setParameters(again);
      } catch (err) {
        console.warn("key frame not forced", err.name, err.message);
      }
    }
  }

  addTracks() {
    this.sending = true;
    const stream = this.plane.localStream;
    for (const track of stream.getTracks()) this.pc.addTrack(track, stream);
  }

  async flushCandidates() {
    const waiting = this.pending.splice(0);
    for (const candidate of waiting) {
      try {
        await this.pc.addIceCandidate(candidate);
      } catch {
        // a candidate of a description that was rolled back: nothing to do
      }
    }
  }

  // Browsers do not recover from a long outage by themselves: restart ICE, and keep
  // trying while the link is down (an offer sent while signalling was away is lost).
  // The impolite end restarts first, so two restarts seldom cross; the polite end restarts
  // only later (`force`), since after an outage one end may see the link up and the other
  // not, and then only the end that sees it down would ever act. Crossed restarts are
  // resolved by perfect negotiation anyway.
  async restart(force = false) {
    const pc = this.pc;
    if (pc.connectionState === "closed" || (this.polite && !force)) return;
    if (Date.now() - this.lastRestart < RETRY_EVERY_MS) return;
    this.lastRestart = Date.now();
    if (!this.sending) {
      this.addTracks(); // never offered to: make the offer ourselves
      return;
    }
    await this.serially(() => this.takeBackOffer());
    pc.restartIce();
  }

  async takeBackOffer() {
    this.offerSince = null;
    if (this.pc.signalingState !== "have-local-offer") return;
    try {
      await this.pc.setLocalDescription({ type: "rollback" });
    } catch (err) {
      console.warn("rollback failed", err);
    }
  }

  watch() {
    const pc = this.pc;
    const now = Date.now();
    // An offer unanswered this long was lost with the signalling: take it back, or the
    // link could never negotiate again (each end would wait for the other's answer).
    if (pc.signalingState === "have-local-offer") {
      this.offerSince = this.offerSince || now;
      if (now - this.offerSince > STALE_OFFER_MS) {
        this.offerSince = null;
        this.serially(() => this.takeBackOffer()).then(() => { this.lastRestart = 0; this.restart(); });
        return;
      }
    } else {
      this.offerSince = null;
    }
    if (this.downSince && now - this.downSince > (this.polite ? POLITE_RESTART_AFTER_MS : RESTART_AFTER_MS)) {
      this.restart(this.polite);
    }
    else if (!this.downSince && ["new", "connecting"].includes(pc.connectionState)
             && now - this.createdAt > NEVER_CONNECTED_MS) this.restart();
  }

  // This end or the other has just come back on the signalling: whatever was sent in
  // between (an offer, candidates) was lost. Negotiate again now rather than at the next
  // retry, so the link is back as soon as the network is.
  peerBack() {
    const pc = this.pc;
    // A first negotiation is never disturbed (it has its own guards, in watch).
    if (!this.everConnected) return;
    const offerLost = pc.signalingState === "have-local-offer";
    const down = this.downSince !== null || pc.connectionState !== "connected";
    // The room may announce a peer twice in a row (its arrival, then its hello).
    if ((!offerLost && !down) || Date.now() - this.lastRestart < 1000) return;
    this.lastRestart = 0;
    this.restart(true);
  }

  close() {
    this.pc.close();
  }
}

export class MeshPlane {
  constructor({ iceServers, iceTransportPolicy, localStream, sendSignal, onTrack, onLinkState, myPeerId }) {
    Object.assign(this, { iceServers, iceTransportPolicy, localStream, sendSignal, onTrack, onLinkState, myPeerId });
    this.links = new Map();
    this.watchdog = setInterval(() => this.links.forEach((link) => link.watch()), 1000);
  }

  has(peerId) { return this.links.has(peerId); }

  addPeer(peerId) {
    if (this.links.has(peerId)) {
      // The peer came back (its signalling or ours reconnected).
      const link = this.links.get(peerId);
      link.peerBack();
      return link;
    }
    // The lower id is the polite one: on an offer collision it yields.
    const link = new PeerLink(this, peerId, this.myPeerId < peerId);
    this.links.set(peerId, link);
    return link;
  }

  removePeer(peerId) {
    const link = this.links.get(peerId);
    if (!link) return;
    link.close();
    this.links.delete(peerId);
  }

  async handleSignal(fromPeerId, data) {
    const link = this.links.get(fromPeerId) || this.addPeer(fromPeerId);
    await link.handle(data);
  }

  restartAll() {
    this.links.forEach((link) => { link.lastRestart = 0; link.restart(true); });
  }

  connections() {
    return [...this.links.entries()].map(([peerId, link]) => [peerId, link.pc]);
  }

  close() {
    clearInterval(this.watchdog);
    this.links.forEach((link) => link.close());
    this.links.clear();
  }
}
