// tests/browser/layout.test.mjs - big flat graphs finish: a 128-layer
// nn.TransformerEncoder export (../shared/repro/encoder128.onnx, 10k nodes) opened
// with the flat graph (remembered option F) once stayed "laying-out" forever. It must
// reach "drawn" with every node laid out, and the progress overlay's Cancel button
// must be on screen in every frame the pipeline works.
import fs from 'node:fs';
import path from 'node:path';
import { assert, CORPUS, dropFiles, status, waitReady, waitStatus } from './lib.mjs';
import { waitGraph } from './graph_lib.mjs';

const REPRO = path.resolve(CORPUS, '../../repro');
const ENCODER = path.join(REPRO, 'encoder128.onnx');
// Pipeline stage labels of an idle or finished pipeline (GraphPipeline::stageLabel, scene_job.cpp).
const IDLE_STAGES = ['idle', 'ready', 'failed', 'cancelled'];

export default function register(t) {
  t.test('a 128-layer transformer export opens flat and is drawn; Cancel shows all along',
    { timeout: 180000 }, async ({ page, url }) => {
      if (!fs.existsSync(ENCODER)) {
        console.log(`    (skipped: no ${ENCODER})`);
        return;
      }
      // The graph view's remembered options (graph_view.cpp saveOptions): grouping F.
      await page.addInitScript(() => localStorage.setItem('netforge.graph.options', 'TB 0 0 0 F 7 1'));
      await page.goto(`${url}?sample=0`);
      await waitReady(page);
      // Every published graph state while the pipeline works: its stage and whether the
      // Cancel button was drawn in that frame.
      await page.evaluate(() => {
        window.__nfSamples = [];
        let last = null;
        setInterval(() => {
          const g = window.netforgeGraph;
          if (g && g !== last) {
            last = g;
            window.__nfSamples.push({ stage: g.stage, cancel: !!(g.ui && g.ui.cancel_layout) });
          }
        }, 5);
      });
      await dropFiles(page, [ENCODER]);
      const s = await waitStatus(page, (x) => x.state === 'drawn' && x.file === 'encoder128.onnx',
        'state "drawn" with encoder128.onnx', 150000);
      const g = await waitGraph(page, (x) => x.stage === 'ready' && x.frames > 0, 'the flat graph drawn');
      assert(!g.grouped, 'the flat graph, not groups');
      assert(g.nodes > 10000 && g.edges > 12000, `every node laid out: ${g.nodes} nodes, ${g.edges} edges`);
      assert(s.error === null && s.timings.layout_ms > 0, `drawn with a layout time: ${JSON.stringify(s)}`);
      const samples = await page.evaluate(() => window.__nfSamples);
      const working = samples.filter((x) => !IDLE_STAGES.includes(x.stage));
      assert(working.length > 0, `the pipeline was seen working: ${JSON.stringify(samples.slice(0, 20))}`);
      const hidden = working.filter((x) => !x.cancel);
      assert(hidden.length === 0, `Cancel on screen in every working frame; missing in ${JSON.stringify(hidden.slice(0, 5))}`);
      const again = await status(page);
      assert(again.state === 'drawn', `still drawn: ${again.state}`);
    });
}
