// `ghostwatch run` live with the stock stable and incubating packs, against real containers: podman
// containers (asked through podman's Docker-compatible API) and Kubernetes pods that containerd
// runs through its CRI plugin, created the way a kubelet creates them. Attacks-in-miniature run
// inside them, as the container's own first process (its entrypoint) or started later in it, and
// the stock rule meant for each must fire with the right container and pod in its JSON alert;
// benign containers fire nothing, and no "on Host" rule fires for a container's process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildImage, podman, podmanRm, podmanRmLeftovers, podmanSkipReason, startPodmanService, testContainerName, type PodmanService } from '../support/podman.js';
import { containerdSkipReason, startContainerd, TEST_IMAGE, type Containerd } from '../support/containerd.js';
import { incubatingPack, killLeftovers, liveSkipReason, LiveRun, stablePack, type Alert } from './live.js';

const IMAGE = 'localhost/gw-busybox:1.0';
const skip = liveSkipReason() || podmanSkipReason() || containerdSkipReason();
/** Alerts come within this long of the action (a new container is first looked up in its runtime). */
const ALERT_MS = 8000;

describe('live detection in real containers with the stock rule packs', { skip }, () => {
  let gw: LiveRun;
  let service: PodmanService;
  let ctd: Containerd;
  const names: string[] = [];
  /** Stops what before() started, last first (before() may have failed half-way). */
  const teardown: (() => unknown)[] = [];

  before(async () => {
    await podmanRmLeftovers();
    await buildImage(IMAGE);
    service = await startPodmanService();
    teardown.push(() => service.stop());
    ctd = await startContainerd();
    teardown.push(() => ctd.stop());
    gw = new LiveRun([
      '-r', stablePack!, '-r', incubatingPack!, '-o', 'json_output=true', '-v',
      '-o', `plugins[0].init_config.engines.podman.sockets[0]=${service.socket}`,
      '-o', `plugins[0].init_config.engines.cri.sockets[0]=${ctd.socket}`,
    ]);
    await gw.ready();
  });

  after(async () => {
    await killLeftovers();
    await podmanRm(names).catch(() => {});
    for (const stop of teardown.reverse()) await stop();
  });

  /** The alert of `rule` for the container named `container`, waiting for it. */
  async function expectAlert(rule: string, container: string): Promise<Alert> {
    const a = await gw.alert((x) => x.rule === rule && x.output_fields['container.name'] === container, ALERT_MS);
    const seen = gw.alerts.filter((x) => x.output_fields['container.name'] === container).map((x) => x.rule);
    assert.ok(a !== undefined, `no '${rule}' alert for container ${container}; its alerts: ${JSON.stringify(seen)}`);
    return a;
  }

  /** Every alert about a container's processes names the container, never the host. */
  function assertNoHostRule(container: string): void {
    const onHost = gw.alerts.filter((x) => x.output_fields['container.name'] === container && /on Host/.test(x.rule));
    assert.deepEqual(onHost.map((x) => x.rule), []);
  }

  function podmanName(what: string): string {
    const n = testContainerName(what);
    names.push(n);
    return n;
  }

  describe('podman', () => {
    it('an entrypoint that reads /etc/shadow fires "Read sensitive file untrusted" naming the container and its image', async () => {
      const name = podmanName('shadow');
      await podman(['run', '--rm', '--name', name, IMAGE, 'cat', '/etc/shadow']);
      const a = await expectAlert('Read sensitive file untrusted', name);
      assert.equal(a.output_fields['proc.name'], 'cat');
      assert.equal(a.output_fields['fd.name'], '/etc/shadow');
      assert.equal(a.output_fields['container.image.repository'], 'localhost/gw-busybox');
      assert.equal(a.output_fields['container.image.tag'], '1.0');
      assert.match(String(a.output_fields['container.id']), /^[0-9a-f]{12}$/);
      assert.match(a.output, new RegExp(`container_name=${name} container_image_repository=localhost/gw-busybox container_image_tag=1.0`));
    });

    it('the first process of every container is seen: five short-lived containers, five alerts', async () => {
      const five = [1, 2, 3, 4, 5].map(() => podmanName('entry'));
      for (const name of five) await podman(['run', '--rm', '--name', name, IMAGE, 'cat', '/etc/shadow']);
      for (const name of five) {
        const a = await expectAlert('Read sensitive file untrusted', name);
        assert.equal(a.output_fields['proc.name'], 'cat');
      }
    });

    it('a privileged container fires "Launch Privileged Container" on its first process', async () => {
      const name = podmanName('priv');
      await podman(['run', '--rm', '--privileged', '--name', name, IMAGE, 'sleep', '1']);
      const a = await expectAlert('Launch Privileged Container', name);
      assert.equal(a.output_fields['proc.name'], 'sleep');
    });

    it('programs started later in a running container fire the container rules, never the host ones', async () => {
      const name = podmanName('exec');
      await podman(['run', '-d', '--name', name, IMAGE, 'sleep', '120']);
      await podman(['exec', name, 'nc', '-w', '1', '127.0.0.1', '9']).catch(() => {});
      const tool = await expectAlert('Launch Suspicious Network Tool in Container', name);
      assert.equal(tool.output_fields['proc.name'], 'nc');
      // A binary written into the container's upper layer, then run.
      await podman(['exec', name, 'cp', '/bin/busybox', '/tmp/dropped']);
      await podman(['exec', name, '/tmp/dropped', 'true']).catch(() => {});
      const dropped = await expectAlert('Drop and execute new binary in container', name);
      assert.equal(dropped.output_fields['proc.exepath'], '/tmp/dropped');
      await podman(['exec', '-t', name, 'sh', '-c', 'true']);
      const shell = await expectAlert('Terminal shell in container', name);
      assert.equal(shell.output_fields['proc.name'], 'sh');
      assertNoHostRule(name);
    });

    it('a benign container fires nothing', async () => {
      const name = podmanName('benign');
      await podman(['run', '--rm', '--name', name, IMAGE, 'ls', '/']);
      // Wait for the alerts of a later action, so that any alert for the benign one has come.
      const marker = podmanName('marker');
      await podman(['run', '--rm', '--name', marker, IMAGE, 'cat', '/etc/shadow']);
      await expectAlert('Read sensitive file untrusted', marker);
      assert.deepEqual(gw.alerts.filter((x) => x.output_fields['container.name'] === name).map((x) => x.rule), []);
    });
  });

  describe('Kubernetes pods (containerd, CRI)', () => {
    it('an entrypoint attack in a pod names the pod and its namespace', async () => {
      const pod = await ctd.runPod({ name: 'web-1', namespace: 'shop', labels: { app: 'web' } });
      await ctd.createContainer(pod, { name: 'app', image: TEST_IMAGE, command: ['cat', '/etc/shadow'] });
      const a = await expectAlert('Read sensitive file untrusted', 'app');
      assert.equal(a.output_fields['k8s.pod.name'], 'web-1');
      assert.equal(a.output_fields['k8s.ns.name'], 'shop');
      assert.equal(a.output_fields['container.image.repository'], TEST_IMAGE.split(':')[0]);
      assert.match(a.output, /k8s_pod_name=web-1 k8s_ns_name=shop/);
    });

    it('a privileged container of a pod fires "Launch Privileged Container"', async () => {
      const pod = await ctd.runPod({ name: 'priv-1', namespace: 'ops', privileged: true });
      await ctd.createContainer(pod, { name: 'root-shell', image: TEST_IMAGE, command: ['sleep', '2'], privileged: true });
      const a = await expectAlert('Launch Privileged Container', 'root-shell');
      assert.equal(a.output_fields['k8s.pod.name'], 'priv-1');
      assert.equal(a.output_fields['k8s.ns.name'], 'ops');
    });

    it('a network tool in a pod fires the container rule, not the host one; a benign pod fires nothing', async () => {
      const pod = await ctd.runPod({ name: 'tools-1', namespace: 'shop' });
      await ctd.createContainer(pod, { name: 'scanner', image: TEST_IMAGE, command: ['nc', '-w', '1', '127.0.0.1', '9'] });
      const benign = await ctd.runPod({ name: 'quiet-1', namespace: 'shop' });
      await ctd.createContainer(benign, { name: 'quiet', image: TEST_IMAGE, command: ['sleep', '1'] });
      const a = await expectAlert('Launch Suspicious Network Tool in Container', 'scanner');
      assert.equal(a.output_fields['k8s.pod.name'], 'tools-1');
      assertNoHostRule('scanner');
      const marker = await ctd.runPod({ name: 'marker-1', namespace: 'shop' });
      await ctd.createContainer(marker, { name: 'marker', image: TEST_IMAGE, command: ['cat', '/etc/shadow'] });
      await expectAlert('Read sensitive file untrusted', 'marker');
      assert.deepEqual(gw.alerts.filter((x) => x.output_fields['container.name'] === 'quiet').map((x) => x.rule), []);
    });
  });
});
