/* In place of sanitize-html (and the HTML parser, entity tables and CSS parser it brings:
   a quarter of the bundle, evaluated on every page load). The widget manager uses it only
   for a description a widget marks as HTML (description_allow_html), which the pages never
   do; such a description is shown as plain text. */
export default function textOnly(source) {
  const element = document.createElement('span');
  element.textContent = String(source);
  return element.innerHTML;
}
