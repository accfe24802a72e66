// tests/browser/views.test.mjs - the Graph | Layered | Neurons switch on the graph
// toolbar: each picture is drawn (non-blank, of the right kind: the layered view's
// shaded conv boxes, the neurons view's input-green circles), the choice is
// remembered across a reload, and Graph brings the graph back.
import fs from 'node:fs';
import { assert, decodePng, screenshot, waitStatus } from './lib.mjs';
import { clickAt, clickUi, openModel, waitGraph } from './graph_lib.mjs';

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
  t.test('hover shows a layer and a click selects its node, in the layered and neurons pictures', async ({ page, url }) => {
    await openModel(page, url, RESNET);
    await clickUi(page, 'view_layered');
    let g = await waitGraph(page, (s) => s.view === 'layered' && s.picture && s.picture.boxes > 20 &&
      s.picture.hotspots.length > 5, 'the layered picture');
    // The app's theme is dark: so is the picture's paper.
    assert(g.picture.dark && g.picture.background === 0x121417, `dark paper: ${g.picture.background}`);
    // A conv box well inside the canvas.
    const inside = (h) => h[1] > g.canvas[0] + 10 && h[1] + h[3] < g.canvas[0] + g.canvas[2] - 10 &&
      h[2] > g.canvas[1] + 40 && h[2] + h[4] < g.canvas[1] + g.canvas[3] - 10 && h[3] >= 6 && h[4] >= 6;
    const box = g.picture.hotspots.find((h) => h[0] > 0 && inside(h));
    assert(box, `a box on screen: ${JSON.stringify(g.picture.hotspots.slice(0, 8))}`);
    const at = [box[1] + 3, box[2] + box[4] * 0.6];
    await page.mouse.move(...at);
    g = await waitGraph(page, new Function('s', `return s.picture && s.picture.hover_layer === ${box[0]} && !!s.picture.hover;`),
      'the hovered box');
    const hover = g.picture.hover;
    assert(hover.name && hover.type && /×/.test(hover.shape) && hover.params >= 0,
      `the tooltip: name, type, output shape, params: ${JSON.stringify(hover)}`);
    await screenshot(page, 'views-layered-hover');
    await clickAt(page, ...at);
    g = await waitGraph(page, new Function('s', `return s.selected_name === ${JSON.stringify(hover.name)};`), 'the node selected');
    await waitStatus(page, (st) => st.panels.includes('Node'), 'the Node panel shows it');

    await clickUi(page, 'view_neurons');
    g = await waitGraph(page, (s) => s.view === 'neurons' && s.picture && s.picture.neuron_layers === 2 &&
      s.picture.hotspots.length >= 2, 'the neurons picture');
    const out = g.picture.hotspots[g.picture.hotspots.length - 1];  // the classifier's column
    const p = [out[1] + out[3] / 2, out[2] + Math.min(out[4] / 2, 60)];
    await page.mouse.move(...p);
    g = await waitGraph(page, new Function('s', `return s.picture && s.picture.hover_layer === ${out[0]} && !!s.picture.hover;`),
      'the hovered classifier');
    assert(/Gemm|MatMul/.test(g.picture.hover.type) && /1000/.test(g.picture.hover.shape),
      `the classifier's facts: ${JSON.stringify(g.picture.hover)}`);
    await screenshot(page, 'views-neurons-hover');
    const name = g.picture.hover.name;
    await clickAt(page, ...p);
    await waitGraph(page, new Function('s', `return s.selected_name === ${JSON.stringify(name)};`), 'the classifier selected');

    // The light theme (Ctrl+Shift+L): the picture follows it onto white paper.
    await page.keyboard.press('Control+Shift+L');
    g = await waitGraph(page, (s) => s.picture && !s.picture.dark && s.picture.background === 0xffffff &&
      s.picture.neuron_layers === 2, 'the picture on light paper');
    await page.mouse.move(g.canvas[0] + 20, g.canvas[1] + g.canvas[3] - 20);
    await page.waitForTimeout(200);
    const light = decodePng((await screenshot(page, 'views-neurons-light')).png);
    const o = ((g.canvas[1] + g.canvas[3] - 30) * light.width + g.canvas[0] + 30) * light.channels;
    assert(light.pixels[o] > 245 && light.pixels[o + 1] > 245 && light.pixels[o + 2] > 245,
      `white paper on screen: ${[light.pixels[o], light.pixels[o + 1], light.pixels[o + 2]]}`);
  });
}
