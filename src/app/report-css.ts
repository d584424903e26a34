/** The report's style sheet, inline: the page loads nothing from anywhere (system fonts only). */
export const REPORT_CSS = `
:root{color-scheme:light;--ok:#2e7d32;--bad:#c62828;--rec:#ef6c00;--aband:#6d4c41;--run:#1565c0;--line:#ddd}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px}
body{padding:0 16px 48px;color:#222}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 4px}
.meta{color:#555;margin:0}nav a{margin-right:12px}
code,.id,.time,.num{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.verdict{font-size:16px;padding:8px 12px;border-radius:4px}
.sound{background:#e8f5e9;border-left:4px solid var(--ok)}.unsound{background:#ffebee;border-left:4px solid var(--bad)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}caption{text-align:left;color:#555;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f5f5f5;overflow-wrap:normal}
tbody th{background:none}td.num{text-align:right}td.time,td.type{white-space:nowrap}
tr.error td:first-child{color:var(--bad);font-weight:600}tr.warning td:first-child{color:var(--rec)}
tr.kind-recovery,tr.kind-adopted,tr.kind-reconciled{background:#fff8e1}tr.kind-rollback{background:#f3e5f5}
tr.kind-other{background:#eceff1}tr.kind-sealed{background:#e8f5e9}
.timeline{display:block;max-width:100%;height:auto}.timeline .label{font-size:11px;fill:#333}
.timeline .axis{font-size:11px;fill:#666}.axis-line{stroke:#bbb}
.o-completed{fill:var(--ok);background:var(--ok)}.o-failed{fill:var(--bad);background:var(--bad)}
.o-recovered{fill:var(--rec);background:var(--rec)}.o-abandoned{fill:var(--aband);background:var(--aband)}
.o-in-progress{fill:var(--run);background:var(--run)}
.o-completed-text{color:var(--ok)}.o-failed-text{color:var(--bad)}.o-recovered-text{color:var(--rec)}
.o-abandoned-text{color:var(--aband)}.o-in-progress-text{color:var(--run)}
.untimed{fill-opacity:.35;stroke-width:1.5;stroke:#333;stroke-dasharray:2 1}
.mark{font-size:13px;fill:#6a1b9a;color:#6a1b9a;font-weight:700}
.mark-recovered{fill:#fff;stroke:var(--rec);stroke-width:2.5;background:#fff;border:2.5px solid var(--rec)}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;color:#444}
.swatch{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
.round{border-radius:50%;width:8px;height:8px}.untimed-swatch{border:1.5px dashed #333;opacity:.6}
.counts .count{margin-right:2px}.empty{color:#666;font-style:italic}
.chart text{font-size:11px;fill:#333}.chart .p90{fill:#90caf9}.chart .median{stroke:#0d47a1;stroke-width:2.5}
.chart .max-bar{fill:#78909c}
tr.overall th,tr.overall td{font-weight:600;border-top:2px solid #bbb}.chart .grid{stroke:#eee}
`
