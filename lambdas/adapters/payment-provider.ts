import { config } from '../config.ts';
import type { PaymentProvider } from '../ports/orders.ts';

/** Approves any token except `tok_decline`; references derive from the order id, so retries repeat the answer. */
export const simulatedProvider: PaymentProvider = {
  name: 'simulated',
  async authorize({ orderId, token }) {
    const reference = `sim_${orderId}`;
    return token === 'tok_decline' ? { status: 'DECLINED', reference } : { status: 'AUTHORIZED', reference };
  },
  async void() {},
};

const providers: Record<string, PaymentProvider> = { simulated: simulatedProvider };

export function configuredPaymentProvider(): PaymentProvider {
  const provider = providers[config.paymentProvider];
  if (!provider) throw new Error(`Unknown payment provider ${config.paymentProvider}`);
  return provider;
}
