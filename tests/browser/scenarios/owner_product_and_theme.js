// A store owner signs in to their dashboard, adds a product (/products/new), changes the
// theme's primary colour (/theme), then sees both on the storefront: the product listed, and
// the colour in the computed style of the page (prices and buttons use the primary colour).
'use strict';

const assert = require('node:assert/strict');
const { scenario, signIn, submitForm } = require('../lib/harness');

const COLOUR = '#c0392b';
const COLOUR_RGB = 'rgb(192, 57, 43)';

scenario('owner_product_and_theme', {
  setup(server) {
    server.createStore('lumen', 'Lumen Lamps');
    server.createUser('owner@lumen.test', { store: 'lumen', role: 'owner' });
  },
  async body({ server, page, shot }) {
    const signedIn = await signIn(page, server, '/store/lumen', 'owner@lumen.test');
    assert.equal(signedIn.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/store/lumen/');

    await page.goto(server.url('/store/lumen/products/new'));
    const created = await submitForm(page, '/store/lumen/products', {
      name: 'Brass desk lamp',
      price: '89.90',
      description: 'A lamp for the desk.',
      sku: 'LAMP-7',
      stock: '12',
      is_active: true,
    });
    assert.equal(created.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/store\/lumen\/products\/\d+$/);

    await page.goto(server.url('/store/lumen/theme'));
    const saved = await submitForm(page, '/store/lumen/theme', { primary_color: COLOUR });
    assert.equal(saved.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/store/lumen/theme');
    await shot('owner_product_and_theme.dashboard');

    // The storefront, path-based on the platform host and on the store's subdomain.
    for (const url of [server.url('/stores/lumen/shop/'), server.storeUrl('lumen', '/shop/')]) {
      const shop = await page.goto(url);
      assert.equal(shop.status(), 200, url);
      const card = page.locator('.product', { hasText: 'Brass desk lamp' });
      assert.equal(await card.count(), 1, `the new product on ${url}`);
      const price = await card.locator('.price').evaluate((el) => getComputedStyle(el).color);
      assert.equal(price, COLOUR_RGB, `the price in the primary colour on ${url}`);
      const primary = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--primary').trim(),
      );
      assert.equal(primary.toLowerCase(), COLOUR);
    }
  },
});
