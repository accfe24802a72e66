// tests/browser/views.test.mjs - the Graph | Layered | Neurons switch on the graph
// toolbar: each picture is drawn (non-blank, of the right kind: the layered view's
// shaded conv boxes, the neurons view's input-green circles), the choice is
// remembered across a reload, and Graph brings the graph back.
import fs from 'node:fs';
import { assert, decodePng, screenshot } from './lib.mjs';
import { clickUi, openModel, waitGraph } from './graph_lib.mjs';

const RESNET = 'light/light_resnet50.onnx';

// Pixels within `tol` of an RGB colour.
function near(png, rgb, tol = 6) {
  const { width, height, channels, pixels } = decodePng(png);
  let n = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    if (Math.abs(pixels[o] - rgb[0]) <= tol && Math.abs(pixels[o + 1] - rgb[1]) <= tol &&
        Math.abs(pixels[o + 2] - rgb[2]) <= tol) n++;
  }
  return n;
}

// scene::categoryFill(conv): the conv header colour half-way to white; its front face.
const CONV_FRONT = [0x99, 0xaa, 0xc4];
const INPUT_NEURON = [0x7f, 0xbf, 0x7f];

export default function register(t) {
  t.test('layered and neurons pictures of a CNN, remembered across a reload', async ({ page, url }) => {
    await openModel(page, url, RESNET);
    const graphShot = (await screenshot(page, 'views-graph')).png;
    assert(near(graphShot, CONV_FRONT) < 200, 'the graph view has no layered boxes');

    await clickUi(page, 'view_layered');
    let g = await waitGraph(page, (s) => s.view === 'layered' && s.picture && s.picture.boxes > 20,
      'the layered picture');
    assert(g.picture.error === '', `no error: ${g.picture.error}`);
    await page.waitForTimeout(200);
    const layered = (await screenshot(page, 'views-layered')).png;
    const convPixels = near(layered, CONV_FRONT);
    assert(convPixels > 500, `shaded conv boxes on screen: ${convPixels} pixels`);

    // The toolbar's downloads: the same picture as SVG (one group per box) and PNG.
    const svgDownload = page.waitForEvent('download');
    await clickUi(page, 'picture_svg');
    const svg = fs.readFileSync(await (await svgDownload).path(), 'utf8');
    const groups = (svg.match(/<g class="layer"/g) || []).length;
    assert(svg.includes('data-netforge-view="layered"') && groups === g.picture.boxes,
      `an SVG with one group per box: ${groups} of ${g.picture.boxes}`);
    const pngDownload = page.waitForEvent('download', { timeout: 60000 });
    await clickUi(page, 'picture_png');
    const img = decodePng(fs.readFileSync(await (await pngDownload).path()));
    assert(img.channels === 4 && Math.abs(img.width - Math.ceil((g.picture.bounds[0] + 32) * 2)) <= 4,
      `a PNG at scale 2: ${img.width} x ${img.height}, ${img.channels} channels`);

    await clickUi(page, 'view_neurons');
    g = await waitGraph(page, (s) => s.view === 'neurons' && s.picture && s.picture.neuron_layers === 2,
      'the neurons picture (the classifier: features -> 1000)');
    assert(/Left out: .*Conv/.test(g.picture.caption), `the caption says what was left out: ${g.picture.caption}`);
    await page.waitForTimeout(200);
    const neurons = (await screenshot(page, 'views-neurons')).png;
    const green = near(neurons, INPUT_NEURON);
    assert(green > 300, `input neurons on screen: ${green} pixels`);

    // Remembered: a reload opens the next model in the neurons picture.
    await openModel(page, url, RESNET);
    g = await waitGraph(page, (s) => s.view === 'neurons' && s.picture && s.picture.neuron_layers === 2,
      'the neurons picture after a reload');

    await clickUi(page, 'view_graph');
    g = await waitGraph(page, (s) => s.view === 'graph' && s.frames > 0, 'the graph again');
    await page.waitForTimeout(200);
    const back = (await screenshot(page, 'views-graph-again')).png;
    assert(near(back, CONV_FRONT) < 200 && near(back, INPUT_NEURON) < 50, 'the graph replaces the picture');
  });
}
