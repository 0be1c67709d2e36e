// The Bluesky reference servers on loopback for Switchboard's tests.
//
// Starts @atproto/dev-env's TestNetwork (PLC, PDS, AppView, Ozone) on the
// PostgreSQL named by DB_POSTGRES_URL (the AppView needs one) in the schema
// DB_POSTGRES_SCHEMA, creates two accounts — the brand (lumen.test, with an
// app password, which is what Switchboard connects with) and a customer
// (ana.test) — and prints one JSON line:
//
//   {"pds":"http://127.0.0.1:PORT","lumen":{"did","handle","appPassword"},
//    "ana":{"did","handle","password"}}
//
// It runs until its standard input closes (the test harness holds the other
// end), then stops the network. Only 127.0.0.1 is ever addressed.
import { TestNetwork } from '@atproto/dev-env'
import { AtpAgent } from '@atproto/api'

process.env.REDIS_HOST ??= '127.0.0.1' // the AppView insists on it, never connects

const net = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'switchboard',
})

const pds = net.pds.url.replace('localhost', '127.0.0.1')

async function account(handle, password) {
  const agent = new AtpAgent({ service: pds })
  const { data } = await agent.createAccount({ handle, email: `${handle}@example.test`, password })
  return { agent, did: data.did, handle: data.handle }
}

const lumen = await account('lumen.test', 'lumen-password')
const ana = await account('ana.test', 'ana-password')
const { data: app } = await lumen.agent.com.atproto.server.createAppPassword({ name: 'switchboard' })
await net.processAll()

console.log(
  JSON.stringify({
    pds,
    lumen: { did: lumen.did, handle: lumen.handle, appPassword: app.password },
    ana: { did: ana.did, handle: ana.handle, password: 'ana-password' },
  }),
)

let closing = false
async function stop() {
  if (closing) return
  closing = true
  try {
    await net.close()
  } finally {
    process.exit(0)
  }
}
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.on('SIGTERM', stop)
process.stdin.resume()
