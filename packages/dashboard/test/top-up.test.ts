import { topUpCommand } from '../web/lib/top-up.js';

describe('the top-up command on the Credits page', () => {
  it("is the operator CLI's credits add for the signed-in account", () => {
    expect(topUpCommand('ada@example.com')).toBe(
      'npm run platen -- credits add --account ada@example.com --amount 100',
    );
    expect(topUpCommand('ada+renders@example.com', 500)).toBe(
      'npm run platen -- credits add --account ada+renders@example.com --amount 500',
    );
  });

  it('quotes an email a shell would otherwise split or expand', () => {
    expect(topUpCommand("o'hara@example.com")).toBe(
      `npm run platen -- credits add --account 'o'\\''hara@example.com' --amount 100`,
    );
  });
});
