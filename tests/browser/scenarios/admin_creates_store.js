// A platform admin signs in at /admin/login, creates a store at /admin/stores, and the store
// serves at once: at /stores/{code}/shop/ on the platform host and on its own subdomain.
'use strict';

const assert = require('node:assert/strict');
const { scenario, signIn, submitForm } = require('../lib/harness');

scenario('admin_creates_store', {
  setup(server) {
    server.createUser('admin@platform.test', { admin: true });
  },
  async body({ server, page, shot }) {
    const signedIn = await signIn(page, server, '/admin', 'admin@platform.test');
    assert.equal(signedIn.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/admin/');

    await page.goto(server.url('/admin/stores'));
    const created = await submitForm(page, '/admin/stores', {
      code: 'fresh-fig',
      name: 'Fresh Fig Market',
    });
    assert.equal(created.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/admin/stores/fresh-fig');
    assert.match(await page.locator('main').innerText(), /Fresh Fig Market/);
    await shot('admin_creates_store.admin');

    // No restart, no cache to wait for: the next request finds the store.
    const byPath = await page.goto(server.url('/stores/fresh-fig/shop/'));
    assert.equal(byPath.status(), 200);
    assert.match(await page.locator('h1').first().innerText(), /Fresh Fig Market/);
    const bySubdomain = await page.goto(server.storeUrl('fresh-fig', '/shop/'));
    assert.equal(bySubdomain.status(), 200);
    assert.match(await page.locator('h1').first().innerText(), /Fresh Fig Market/);
  },
});
