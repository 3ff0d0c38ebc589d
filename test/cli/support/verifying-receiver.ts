import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookEvent } from '../../../sdk/src/index.js';

/** A local app receiving webhooks: checks each with the SDK's verifyWebhook and the secret its path was given. */
export class VerifyingReceiver {
  readonly secrets = new Map<string, string>();
  readonly verified = new Map<string, WebhookEvent[]>();
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<VerifyingReceiver> {
    let self!: VerifyingReceiver;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        try {
          const event = verifyWebhook(body, req.headers, self.secrets.get(req.url!) ?? 'none');
          self.verified.set(req.url!, [...(self.verified.get(req.url!) ?? []), event]);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new VerifyingReceiver(server);
    return self;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
