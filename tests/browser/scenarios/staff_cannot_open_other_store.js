// A staff member of one store (alpha) cannot open another store's (bravo's) dashboard: signing
// in there fails with the login form's error, and bravo's pages send them to bravo's login,
// while their own dashboard works in the same browser.
'use strict';

const assert = require('node:assert/strict');
const { scenario, signIn, submitForm, PASSWORD } = require('../lib/harness');

scenario('staff_cannot_open_other_store', {
  setup(server) {
    server.createStore('alpha', 'Alpha Goods');
    server.createStore('bravo', 'Bravo Goods');
    server.createUser('staff@alpha.test', { store: 'alpha', role: 'staff' });
  },
  async body({ server, page }) {
    // Their own dashboard: signed in.
    const own = await signIn(page, server, '/store/alpha', 'staff@alpha.test');
    assert.equal(own.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/store/alpha/');

    // Bravo's login refuses them.
    await page.goto(server.url('/store/bravo/login'));
    const refused = await submitForm(page, '/store/bravo/login', {
      email: 'staff@alpha.test',
      password: PASSWORD,
    });
    assert.equal(refused.status(), 401);
    assert.equal(new URL(page.url()).pathname, '/store/bravo/login');
    assert.match(await page.locator('[role="alert"]').first().innerText(), /password/i);

    // Bravo's pages: back to bravo's login, with alpha's session still in the browser.
    for (const target of ['/store/bravo/', '/store/bravo/products', '/store/bravo/orders']) {
      const response = await page.goto(server.url(target));
      assert.equal(response.status(), 200, target);
      assert.equal(new URL(page.url()).pathname, '/store/bravo/login', target);
      assert.equal(await page.locator('input[name="password"]').count(), 1, target);
    }
    // Alpha's dashboard still works.
    const back = await page.goto(server.url('/store/alpha/products'));
    assert.equal(back.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/store/alpha/products');

    // The screenshot shows the refusal.
    await page.goto(server.url('/store/bravo/login'));
    await submitForm(page, '/store/bravo/login', { email: 'staff@alpha.test', password: PASSWORD });
  },
});
