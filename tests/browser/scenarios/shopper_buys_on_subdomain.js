// A shopper buys from a store on its own subdomain (http://sunny.platform.test:<port>/shop/,
// Chromium mapping *.platform.test to the test's server): opens the shop, the product, adds it
// to the cart, checks out as a guest and sees the confirmation with the order number.
'use strict';

const assert = require('node:assert/strict');
const { scenario, submitForm } = require('../lib/harness');

let token;
scenario('shopper_buys_on_subdomain', {
  setup(server) {
    server.createStore('sunny', 'Sunny Hats');
    token = server.token({ store: 'sunny' });
  },
  async body({ server, page }) {
    await server.api('POST', '/api/v1/stores/sunny/products', token, {
      name: 'Straw sun hat',
      price_cents: 2450,
      description: 'Wide brim, light straw.',
      sku: 'HAT-1',
      stock: 5,
    });

    const home = await page.goto(server.storeUrl('sunny', '/shop/'));
    assert.equal(home.status(), 200);
    assert.match(await page.locator('h1').first().innerText(), /Sunny Hats/);

    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Straw sun hat' }).first().click(),
    ]);
    assert.match(new URL(page.url()).pathname, /^\/shop\/products\/\d+$/);
    assert.equal(new URL(page.url()).hostname, 'sunny.platform.test');

    const cart = await submitForm(page, '/shop/cart/items', { quantity: 2 });
    assert.equal(cart.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/shop\/cart$/);
    assert.match(await page.locator('table').innerText(), /Straw sun hat/);

    const done = await submitForm(page, '/shop/checkout', { customer_email: 'shopper@example.com' });
    assert.equal(done.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/shop\/orders\//);
    assert.match(await page.locator('h1').innerText(), /Thank you for your order/);
    const number = (await page.locator('.order-number').innerText()).trim();
    assert.ok(number.length > 0, 'an order number');
    assert.match(await page.locator('table').innerText(), /Straw sun hat[\s\S]*2[\s\S]*49\.00/);
  },
});
