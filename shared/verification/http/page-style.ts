/** The page's whole stylesheet, inline: no font, image or stylesheet is ever fetched. */
export const PAGE_STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1f1f1f;line-height:1.4}
nav{position:absolute;right:12px;top:8px}nav a{color:#fff;font-size:.9rem}header{padding:32px 16px 20px;color:#fff}
.verdict{display:flex;align-items:center;gap:10px}.icon{flex:none}.lead{font-weight:600}
h1{margin:0;font-size:1.7rem;line-height:1.2}p{margin:8px 0 0}table{border-collapse:collapse;margin:12px 16px}
th,td{text-align:left;padding:5px 10px 5px 0;vertical-align:top}th{color:#5f6368;font-weight:500;white-space:nowrap}
.warn{margin:12px 16px;padding:12px;background:#fef7e0;border-left:4px solid #b06000}.warn.red{background:#fce8e6;border-color:#b3261e}.warn ul{margin:6px 0;padding-left:18px}h2{margin:16px 16px 0;font-size:1.1rem}
ol,ul{margin:8px 16px 12px;padding-left:20px}.note{margin:4px 16px;color:#5f6368;font-size:.9rem}
#phone-check[data-state=ok]{color:#137333;font-weight:600}#phone-check[data-state=bad]{color:#b3261e;font-weight:600}
form{margin:8px 16px;display:grid;gap:8px}label{display:grid;gap:2px;font-size:.9rem}
input,textarea,button{font:inherit;padding:6px}button{background:#1f1f1f;color:#fff;border:0;padding:10px}
.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.plain{margin:12px 0}.plain p{margin:4px 16px;color:#5f6368}
footer{margin:16px;color:#5f6368;font-size:.8rem}`;
