/**
 * HTML made safely: every value put into the report goes through {@link escapeHtml}, by way of the {@link html} tag,
 * which escapes each interpolated string and passes only fragments it made itself. The page has no script, so no
 * value is ever in a script context; attributes are always quoted, so escaping `"` and `'` suffices there too.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text as HTML shows it literally, in content or in a quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)

/** A fragment of HTML made by {@link html}: the only text put into the page unescaped. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

/** What may be put into a fragment: text and numbers (escaped), fragments, lists of fragments, nothing. */
export type HtmlValue = Html | string | number | ReadonlyArray<Html> | undefined

const piece = (value: HtmlValue): string => {
  if (value === undefined) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return (value as ReadonlyArray<Html>).map((part) => part.text).join('')
  return escapeHtml(String(value))
}

/** A template tag: the literal parts as written, every value escaped unless it is a fragment. */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<HtmlValue>): Html => {
  let text = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) text += piece(values[i]) + (strings[i + 1] ?? '')
  return new Html(text)
}

/** A number with thousands separated by commas, the same on every machine (no locale). */
export const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** `n thing` or `n things`. */
export const counted = (n: number, thing: string, things = `${thing}s`): string =>
  `${count(n)} ${n === 1 ? thing : things}`

/** An instant as the page shows it: UTC, to the second, the same on every machine. */
export const utc = (ms: number): string =>
  Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z` : 'unknown'

/** An inline SVG image of the page: its class, size and title (what a screen reader says), and what it draws. */
export const svgImage = (image: {
  readonly className: string
  readonly width: number
  readonly height: number
  readonly title: string
  readonly content: Html
}): Html =>
  html`<svg
    class="${image.className}"
    role="img"
    width="${image.width}"
    height="${image.height}"
    viewBox="0 0 ${image.width} ${image.height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title>${image.title}</title>
    ${image.content}
  </svg>`
