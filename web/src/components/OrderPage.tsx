import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, callApi, describeError } from '../api.js';
import { isProcessing, KIND_INFO, orderPath, statusLabel, type Message, type Order, type OrderKind } from '../kinds.js';
import { openLiveThread, type LiveState } from '../live.js';
import { buyerKey, saveBuyerKey, type Session } from '../session.js';
import { StatusMover, VoicePicker, type Voice } from './AdminTools.js';
import { Composer } from './Composer.js';
import { Deliveries } from './Deliveries.js';
import { Credentials, OrderFields } from './OrderFields.js';
import { mergeMessages, Thread } from './Thread.js';

type Role = 'admin' | 'seller' | 'buyer';

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unavailable: 'Live updates unavailable: reload to see new messages',
};

/** A seller finds the order among their sales; a participant who does not is its buyer. */
async function roleOf(session: Session, kind: OrderKind, id: number): Promise<Role> {
  if (session.isAdmin) return 'admin';
  const sales = await callApi<{ data: unknown[] }>(session.token, 'GET', `/v2/${kind}-orders?filter[id]=${id}&per_page=1`);
  return sales.data.length > 0 ? 'seller' : 'buyer';
}

/** The application's clock (the sandbox's test clock may run ahead of this browser's), else the later of the browser's and the order's. */
async function serverNow(session: Session, order: Order): Promise<number> {
  try {
    return (await callApi<{ data: { now: number } }>(session.token, 'GET', '/admin/v1/clock')).data.now;
  } catch {
    return Math.max(Math.floor(Date.now() / 1000), Number(order.updated_at) || 0);
  }
}

/** A key for the order's buyer, minted with the admin API, valid for an hour, kept in this tab. */
async function mintBuyerKey(session: Session, order: Order): Promise<string> {
  const now = await serverNow(session, order);
  const key = await callApi<{ data: { token: string } }>(session.token, 'POST', `/admin/v1/users/${order.buyer.id}/api-keys`, {
    name: 'console: admin acting as the buyer',
    expires_at: now + 3600,
  });
  saveBuyerKey(order.buyer.id, key.data.token);
  return key.data.token;
}

export function OrderPage(props: { session: Session; kind: OrderKind; id: number; sandbox: boolean }) {
  const { session, kind, id } = props;
  const [order, setOrder] = useState<Order | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState<LiveState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [voice, setVoice] = useState<Voice>('self');
  const last = useRef<string | null>(null);
  last.current = messages.length > 0 ? messages[messages.length - 1]!.id : null;

  const updateOrder = useCallback((next: Order) => {
    // Status events and webhooks carry the order without its credentials: keep the ones read.
    setOrder((prev) => ({ ...next, credentials: next.credentials ?? prev?.credentials ?? next.credentials }));
  }, []);

  /** The thread, or what came after the newest message held; and the order, whose status may have moved meanwhile. */
  const readThread = useCallback(async () => {
    callApi<{ data: Order }>(session.token, 'GET', orderPath(kind, id)).then((read) => updateOrder(read.data), () => undefined);
    try {
      const after = last.current ? `?after=${encodeURIComponent(last.current)}` : '';
      const thread = await callApi<{ data: Message[] }>(session.token, 'GET', `${orderPath(kind, id)}/messages${after}`);
      setMessages((current) => mergeMessages(current, thread.data));
      setLoaded(true);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, [session.token, kind, id, updateOrder]);

  useEffect(() => {
    let active = true;
    Promise.all([callApi<{ data: Order }>(session.token, 'GET', orderPath(kind, id)), roleOf(session, kind, id)])
      .then(([read, who]) => {
        if (!active) return;
        updateOrder(read.data);
        setRole(who);
      })
      .catch((failure: unknown) => active && setError(failure instanceof ApiError && failure.status === 404 ? 'There is no such order.' : describeError(failure)));
    // The stream opens first and the thread is read once it is open, so nothing falls in between.
    const close = openLiveThread(session.token, kind, id, {
      message: (message) => setMessages((current) => mergeMessages(current, [message])),
      status: (next) => updateOrder(next),
      resync: () => void readThread(),
      state: (state) => {
        setLive(state);
        if (state === 'unavailable') void readThread();
      },
    });
    return () => {
      active = false;
      close();
    };
  }, [session, kind, id, readThread, updateOrder]);

  const send = async (text: string) => {
    let token = session.token;
    if (voice === 'buyer' && order) token = buyerKey(order.buyer.id) ?? (await mintBuyerKey(session, order));
    try {
      const sent = await callApi<{ data: Message }>(token, 'POST', `${orderPath(kind, id)}/messages`, { message: text });
      setMessages((current) => mergeMessages(current, [sent.data]));
    } catch (failure) {
      // The buyer's key expired (or was revoked): forget it, the next send mints another.
      if (voice === 'buyer' && order && failure instanceof ApiError && failure.status === 401) saveBuyerKey(order.buyer.id, null);
      // Closed meanwhile: show the order as it is now.
      if (failure instanceof ApiError && failure.status === 403) {
        callApi<{ data: Order }>(session.token, 'GET', orderPath(kind, id)).then((read) => updateOrder(read.data), () => undefined);
      }
      throw failure;
    }
  };

  const complete = async () => {
    setError(null);
    try {
      updateOrder((await callApi<{ data: Order }>(session.token, 'POST', `${orderPath(kind, id)}/complete`)).data);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  if (!order) {
    return (
      <section class="card">
        <p><a href="#/">Back to orders</a></p>
        {error ? <p class="error" role="alert">{error}</p> : <p role="status">Loading order #{id}…</p>}
      </section>
    );
  }

  const adminSandbox = role === 'admin' && props.sandbox;
  const canComplete = (role === 'seller' || role === 'admin') && KIND_INFO[kind].canComplete && isProcessing(order.status);
  return (
    <div class="order-page">
      <section class="card order-head" aria-labelledby="order-title">
        <p><a href="#/">Back to orders</a></p>
        <h1 id="order-title">{kind} order #{order.id}: {order.title}</h1>
        <p class="badges">
          <span class={`status status-${order.status}`}>{statusLabel(order.status)}</span>
          {role && <span class="badge">you are the {role}</span>}
          <span class={`badge live-${live}`} role="status" data-testid="live-state">{LIVE_TEXT[live]}</span>
        </p>
        {error && <p class="error" role="alert">{error}</p>}
        {canComplete && <button type="button" onClick={complete}>Complete order</button>}
        {adminSandbox && <StatusMover token={session.token} kind={kind} order={order} onChange={updateOrder} />}
        <details>
          <summary>Order fields</summary>
          <OrderFields order={order} />
        </details>
      </section>
      {role !== 'buyer' && KIND_INFO[kind].hasCredentials && <Credentials credentials={order.credentials} />}
      <Thread messages={messages} order={order} loaded={loaded} />
      <Composer status={order.status} send={send}>
        {adminSandbox && <VoicePicker voice={voice} buyer={order.buyer.username} onChange={setVoice} />}
      </Composer>
      {adminSandbox && <Deliveries token={session.token} kind={kind} id={id} />}
    </div>
  );
}
