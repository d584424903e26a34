/** The Chromium the browser test and the report benchmark drive (chromium.mjs). */
export declare const WANTED: string
export declare const CHROMIUM: string | undefined
export declare const FLAGS: string[]
