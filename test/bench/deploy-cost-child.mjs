// @ts-check
/** Measures one store's deploy cost in this fresh process: argv = ours|naive, a releases.json to copy, deploys. */
import { measureStore } from './deploy-cost.mjs'

const [which = 'ours', generated = '', deploys = '10'] = process.argv.slice(2)
process.stdout.write(JSON.stringify(await measureStore(which, generated, Number(deploys))))
