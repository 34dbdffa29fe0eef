import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { EndpointPki } from './test-pki';
import { listenOnLoopback, closeHttpServer } from '../loopback';

export interface MtlsRequest {
  method: string;
  path: string;
  /** CN of the client certificate the server verified. */
  clientCn?: string;
  authorization?: string;
}

/** An HTTPS server on 127.0.0.1 signed by the test CA that requires a client certificate from that CA. */
export class MtlsServer {
  readonly received: MtlsRequest[] = [];
  private readonly server: https.Server;
  port = 0;

  constructor(pki: EndpointPki, requireClient = true) {
    this.server = https.createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: requireClient, rejectUnauthorized: requireClient }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const peer = (req.socket as TLSSocket).getPeerCertificate?.();
        this.received.push({ method: req.method ?? '', path: req.url ?? '', clientCn: peer?.subject?.CN as string | undefined, authorization: req.headers.authorization });
        res.writeHead(204);
        res.end();
      });
    });
  }

  url(host = '127.0.0.1'): string {
    return `https://${host}:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeHttpServer(this.server);
  }
}
