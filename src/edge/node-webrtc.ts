import { createPolyfillRTCPeerConnection } from 'werift/polyfill';
import WebSocket from 'ws';

/**
 * The browser APIs the consensus WebRTC transport is written against (RTCPeerConnection, WebSocket),
 * supplied in Node so an edge node runs the very transport the tabs run:
 * - RTCPeerConnection from werift (WebRTC in pure TypeScript: ICE, DTLS, SCTP data channels; no
 *   native binary), its sockets bound to `host` (loopback by default) and IPv4 UDP only;
 * - WebSocket from `ws`, with frames capped at the size a signaling message may have, so a relay
 *   cannot make the node buffer more (the browser's parseSignal drops larger ones after the fact).
 * Both are set on globalThis, for this process (an edge node); Node 22's own WebSocket is replaced too, so the cap holds.
 */
export interface NodeWebRtcOptions {
  /** The address ICE binds to and announces (default 127.0.0.1). */
  host?: string;
  /** Largest data-channel message this node announces in its SDP, bytes (the consensus messages' own limit is checked again on receipt). */
  maxMessageBytes?: number;
  /** Largest signaling frame accepted from the relay, bytes. */
  maxSignalBytes?: number;
}

export function installNodeWebRtc(options: NodeWebRtcOptions = {}): void {
  const host = options.host ?? '127.0.0.1';
  const maxSignal = options.maxSignalBytes ?? 65_536;
  const PeerConnection = createPolyfillRTCPeerConnection({
    iceInterfaceAddresses: { udp4: host },
    // werift leaves loopback out of host candidates unless named here.
    iceAdditionalHostAddresses: [host],
    iceUseIpv6: false,
    iceUseTcp: false,
    maxMessageSize: options.maxMessageBytes ?? 4 * 1024 * 1024 + 16,
  });
  class BoundedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { maxPayload: maxSignal });
    }
  }
  const g = globalThis as Record<string, unknown>;
  g.RTCPeerConnection = PeerConnection;
  g.WebSocket = BoundedWebSocket;
}
