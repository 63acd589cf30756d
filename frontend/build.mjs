/* Builds the pages' front end into the workbook's Voila template: pages.js and pages.css,
   and pages.LICENSES.txt, the licence of every package the bundle holds (their BSD and MIT
   licences ask that each copy carries them, and the minified bundle cannot). */
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import licences from 'esbuild-plugin-license';

const STATIC = '../pim_workbook/share/jupyter/voila/templates/pim/static';

/* Jupyter's and Lumino's packages name their licence but ship no text of it: their projects'
   LICENSE files are kept in licences/. */
const PROJECT_LICENCES = ['@jupyter-widgets', '@jupyterlab', '@lumino'];

function licenceText(pkg, shipped) {
  const scope = pkg.name.split('/')[0];
  if (shipped) {
    return shipped.trim();
  }
  if (!PROJECT_LICENCES.includes(scope)) {
    throw new Error(`${pkg.name} ships no licence text: add its project's to licences/`);
  }
  return readFileSync(`licences/${scope.slice(1)}.txt`, 'utf8').trim();
}

function notice(dependencies) {
  return dependencies.map(({ packageJson: pkg, licenseText }) =>
    `${pkg.name} ${pkg.version} (${pkg.license})\n${pkg.homepage || ''}\n\n` +
    `${licenceText(pkg, licenseText)}\n`).join(`\n${'-'.repeat(72)}\n\n`);
}

await esbuild.build({
  entryPoints: ['src/pages.js'],
  outfile: `${STATIC}/pages.js`,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
  alias: { 'sanitize-html': './src/text-only.js' },
  logLevel: 'info',
  plugins: [licences({
    banner: '/*! The workbook pages\' front end; the licences of the packages it holds: pages.LICENSES.txt */',
    thirdParty: { output: { file: `${STATIC}/pages.LICENSES.txt`, template: notice } },
  })],
});
