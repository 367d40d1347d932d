#!/usr/bin/python3
"""Build a neurotwin CellDescription in NEURON and run a ProtocolDescription on it.

Input: one JSON object on stdin (or in the file named as the last argument).
  mode "run"       {"mode": "run", "cell": CellDescription, "protocol": ProtocolDescription,
                    "cvode": null | {"atol": a, "rtol": r}}
                   -> {"t": [...], "traces": {name: [...]}, "spikeTimes": [...], "wallSeconds": s, "cpuSeconds": s,
                       "tEnd": t}
                   Without "cvode": NEURON's fixed step (protocol.method, protocol.dt). With it:
                   the variable-step CVode at those tolerances (protocol.dt only sets the sample
                   grid), samples taken at exactly the recording times.
                   A record "variable" is a range variable at (section, x), e.g. "v", "m_NaTs2",
                   "ina", "cai", or "<exc|inh>[id].<name>" for a synapse's variable ("exc[3].gNmda").
                   Assigned variables (currents, conductances, eca) are NEURON's values from the step
                   that ended at the sample time; states (v, gates, cai) are the values at that time.
  mode "batch"     {"mode": "batch", "runs": [{"cell", "protocol", "cvode"}, ...]} -> {"results": [run output, ...]}
  mode "geometry"  {"mode": "geometry", "cell": CellDescription}
                   -> {"sections": [{"name", "L", "nseg", "area": [...], "ri": [...]}]}
  mode "gates"     {"mode": "gates", "voltages": [...]}
                   -> {"gates": {mechanism: {quantity: [value per voltage]}}}

Options: --mechlib PATH (libnrnmech.so built from the mod/ folder beside this file, required).
Units follow the spec: um, mV, ms, S/cm2, uF/cm2, ohm cm, uS, nA.
"""
import json
import math
import re
import sys
import time

MECHANISMS = ('NaTs2', 'NaTa', 'NaP', 'KT', 'KP', 'Kv31', 'SK', 'Im', 'Ih', 'CaHVA', 'CaLVA')
NA_MECHS = ('NaTs2', 'NaTa', 'NaP')
K_MECHS = ('KT', 'KP', 'Kv31', 'SK', 'Im')
CA_MECHS = ('CaHVA', 'CaLVA')
# Soma trace resolution used for spike detection (spec 9.2: 8 samples per ms).
SPIKE_SAMPLE_MS = 0.125
SPIKE_THRESHOLD_MV = -25.0
SYNAPSE_VARIABLE = re.compile(r'^(exc|inh)\[(\d+)\]\.(\w+)$')


class InputError(Exception):
    pass


def load_neuron(mechlib):
    from neuron import h
    if not hasattr(h, 'AmpaNmda'):
        if not mechlib:
            raise InputError('--mechlib is required (path to libnrnmech.so built from the mod/ folder)')
        h.nrn_load_dll(mechlib)
    h.load_file('stdrun.hoc')
    return h


def require(obj, key, where):
    if key not in obj:
        raise InputError(f'{where}: missing "{key}"')
    return obj[key]


def check_per_segment(values, nseg, what):
    if not isinstance(values, list) or len(values) != nseg:
        raise InputError(f'{what}: expected {nseg} values (one per segment), got {values!r:.80}')
    for v in values:
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InputError(f'{what}: non-finite value {v!r}')


def build_cell(h, cell):
    if cell.get('format') != 'neurotwin-cell' or cell.get('version') != 1:
        raise InputError('cell: expected format "neurotwin-cell", version 1')
    descs = require(cell, 'sections', 'cell')
    if not descs:
        raise InputError('cell: no sections')
    h.celsius = float(require(cell, 'celsius', 'cell'))
    secs = []
    init_cai = None
    for i, d in enumerate(descs):
        where = f'section {i} ({d.get("name")})'
        sec = h.Section(name=f'sec{i}')
        points = require(d, 'points', where)
        if len(points) < 2:
            raise InputError(f'{where}: needs at least two 3-D points')
        for p in points:
            if len(p) != 4 or p[3] <= 0:
                raise InputError(f'{where}: bad point {p!r} (want [x, y, z, diameter > 0])')
            h.pt3dadd(p[0], p[1], p[2], p[3], sec=sec)
        parent = require(d, 'parent', where)
        if parent >= i:
            raise InputError(f'{where}: parent {parent} must come before the section')
        if parent >= 0:
            sec.connect(secs[parent](require(d, 'parentX', where)), 0)
        elif i != 0:
            raise InputError(f'{where}: only section 0 (the soma) may have no parent')
        nseg = int(require(d, 'nseg', where))
        if nseg < 1:
            raise InputError(f'{where}: nseg must be >= 1')
        sec.nseg = nseg
        sec.cm = require(d, 'cm', where)
        sec.Ra = require(d, 'ra', where)
        sec.insert('pas')
        for seg in sec:
            seg.pas.g = require(d, 'gPas', where)
            seg.pas.e = require(d, 'ePas', where)
        mechs = d.get('mechanisms', {})
        for name, dens in mechs.items():
            if name not in MECHANISMS:
                raise InputError(f'{where}: unknown mechanism "{name}"')
            check_per_segment(dens, nseg, f'{where} {name}')
            sec.insert(name)
            for seg, g in zip(sec, dens):
                setattr(seg, f'gbar_{name}', g)
        if 'Ih' in mechs and d.get('eh') is not None:
            for seg in sec:
                seg.eh_Ih = d['eh']
        shell = d.get('caShell')
        if shell is not None:
            check_per_segment(shell['gamma'], nseg, f'{where} caShell.gamma')
            check_per_segment(shell['decay'], nseg, f'{where} caShell.decay')
            sec.insert('CaShell')
            for seg, gamma, decay in zip(sec, shell['gamma'], shell['decay']):
                seg.gamma_CaShell = gamma
                seg.decay_CaShell = decay
                seg.depth_CaShell = shell['depth']
                seg.minCai_CaShell = shell['minCai']
            if init_cai is not None and init_cai != shell['initCai']:
                raise InputError(f'{where}: caShell.initCai differs between sections (NEURON has one cai0_ca_ion)')
            init_cai = shell['initCai']
        if any(m in mechs for m in CA_MECHS) or shell is not None:
            # concentrations are states, eca computed by Nernst at init and after every step
            h.ion_style('ca_ion', 3, 2, 1, 1, 1, sec=sec)
        if any(m in mechs for m in NA_MECHS):
            if d.get('ena') is None:
                raise InputError(f'{where}: has Na channels but no ena')
            sec.ena = d['ena']
        if any(m in mechs for m in K_MECHS):
            if d.get('ek') is None:
                raise InputError(f'{where}: has K channels but no ek')
            sec.ek = d['ek']
        secs.append(sec)
    if init_cai is not None:
        h.cai0_ca_ion = init_cai
    return secs


def clear_model(h):
    for sec in list(h.allsec()):
        h.delete_section(sec=sec)
    h.cai0_ca_ion = 5e-5


def make_synapse(h, params, seg):
    kind = require(params, 'kind', 'synapse type')
    if kind == 'ampa-nmda':
        syn = h.AmpaNmda(seg)
        syn.tauRiseAmpa = params['tauRise']
        syn.tauDecayAmpa = params['tauDecay']
        syn.tauRiseNmda = require(params, 'tauRiseNmda', 'ampa-nmda synapse')
        syn.tauDecayNmda = require(params, 'tauDecayNmda', 'ampa-nmda synapse')
        syn.gmax = params['gmax']
        syn.e = params['e']
        syn.mg = require(params, 'mg', 'ampa-nmda synapse')
        return syn, 1.0
    if kind in ('ampa', 'gaba-a'):
        # Exp2Syn's peak normalisation equals spec 5.1; its weight is the peak conductance (uS)
        syn = h.Exp2Syn(seg)
        syn.tau1 = params['tauRise']
        syn.tau2 = params['tauDecay']
        syn.e = params['e']
        return syn, params['gmax']
    raise InputError(f'unknown synapse kind "{kind}"')


def seg_at(secs, section, x, what):
    if not isinstance(section, int) or section < 0 or section >= len(secs):
        raise InputError(f'{what}: section {section!r} out of range 0..{len(secs) - 1}')
    if not (0 <= x <= 1):
        raise InputError(f'{what}: x = {x!r} outside [0, 1]')
    return secs[section](x)


def detect_peaks(v, t0, step):
    """Spike peaks of spec 9.2: strict local maxima above -25 mV; plateaus do not count."""
    out = []
    for j in range(1, len(v) - 1):
        if v[j] > SPIKE_THRESHOLD_MV and v[j] - v[j - 1] > 0 and v[j + 1] - v[j] < 0:
            out.append(t0 + j * step)
    return out


def configure_integrator(h, method, cvode):
    """Fixed step (secondorder 0: backward Euler, 2: Crank-Nicolson) or CVode at given tolerances."""
    if cvode is None:
        h.secondorder = 0 if method == 'backward-euler' else 2
        h.cvode_active(0)
        return
    atol = float(require(cvode, 'atol', 'cvode'))
    rtol = float(require(cvode, 'rtol', 'cvode'))
    if not (atol >= 0 and rtol >= 0 and atol + rtol > 0):
        raise InputError(f'cvode: atol {atol} and rtol {rtol} must be >= 0 and not both 0')
    h.secondorder = 0
    h.cvode_active(1)
    h.cvode.atol(atol)
    h.cvode.rtol(rtol)
    # [Ca]i lives around 1e-4 mM: scale its absolute tolerance so that atol means the same to it
    if any(h.ismembrane('ca_ion', sec=sec) for sec in h.allsec()):
        h.cvode.atolscale('cai', 1e-4)


def run(h, cell, protocol, cvode=None):
    secs = build_cell(h, cell)
    dt = float(require(protocol, 'dt', 'protocol'))
    tstop = float(require(protocol, 'tstop', 'protocol'))
    if not (dt > 0 and tstop > 0):
        raise InputError('protocol: dt and tstop must be positive')
    method = require(protocol, 'method', 'protocol')
    if method not in ('backward-euler', 'crank-nicolson'):
        raise InputError(f'protocol: unknown method "{method}"')
    configure_integrator(h, method, cvode)

    types = require(cell, 'synapseTypes', 'cell')
    netcons = {'exc': {}, 'inh': {}}
    synapses = {'exc': {}, 'inh': {}}
    keep = []
    for k, s in enumerate(cell.get('synapses', [])):
        seg = seg_at(secs, s['section'], s['x'], f'synapse {k}')
        syn, weight = make_synapse(h, types[s['type']], seg)
        nc = h.NetCon(None, syn)
        nc.weight[0] = weight
        if s['id'] in netcons[s['type']]:
            raise InputError(f'synapse {k}: duplicate {s["type"]} id {s["id"]}')
        netcons[s['type']][s['id']] = nc
        synapses[s['type']][s['id']] = syn
        keep.append(syn)

    events = protocol.get('events', {'exc': [], 'inh': []})
    for kind in ('exc', 'inh'):
        for sid, te in events.get(kind, []):
            if sid not in netcons[kind]:
                raise InputError(f'protocol: event for unknown {kind} synapse {sid}')
            if not (0 <= te <= tstop):
                raise InputError(f'protocol: event time {te} outside [0, tstop]')

    def queue_events():
        for kind in ('exc', 'inh'):
            ncs = netcons[kind]
            for sid, te in events.get(kind, []):
                ncs[sid].event(te)

    handler = h.FInitializeHandler(1, queue_events)

    for k, c in enumerate(protocol.get('iclamps', [])):
        stim = h.IClamp(seg_at(secs, c['section'], c['x'], f'iclamp {k}'))
        stim.delay = c['delay']
        stim.dur = c['dur']
        stim.amp = c['amp']
        keep.append(stim)

    for k, c in enumerate(protocol.get('vclamps') or []):
        levels = c['levels']
        if not 1 <= len(levels) <= 3:
            raise InputError(f'vclamp {k}: 1 to 3 levels supported, got {len(levels)}')
        clamp = h.SEClamp(seg_at(secs, c['section'], c['x'], f'vclamp {k}'))
        # series resistance, MOhm; 1e-3 matches the TS engine's default series conductance (1e3 uS)
        clamp.rs = c.get('rs', 1e-3)
        for j in range(3):
            lev = levels[j] if j < len(levels) else {'dur': 0, 'amp': 0}
            setattr(clamp, f'dur{j + 1}', lev['dur'])
            setattr(clamp, f'amp{j + 1}', lev['amp'])
        keep.append(clamp)

    every = float(require(protocol, 'recordEvery', 'protocol'))
    ratio = every / dt
    if every <= 0 or abs(ratio - round(ratio)) > 1e-9:
        raise InputError(f'protocol: recordEvery {every} must be a positive multiple of dt {dt}')
    n = int(round(tstop / every)) + 1
    # CVode records at exactly these times (the integrator interpolates to them)
    sample_times = h.Vector([i * every for i in range(n)])
    recs = []
    for r in protocol.get('record', []):
        var = r.get('variable') or 'v'
        target = SYNAPSE_VARIABLE.match(var)
        if target:
            # '<exc|inh>[id].<variable>': a variable of that synapse's point process
            kind, sid, var = target.group(1), int(target.group(2)), target.group(3)
            if sid not in synapses[kind]:
                raise InputError(f'record "{r.get("name")}": no {kind} synapse {sid}')
            owner = synapses[kind][sid]
        else:
            owner = seg_at(secs, r['section'], r['x'], f'record "{r.get("name")}"')
        try:
            ref = getattr(owner, '_ref_' + var)
        except (AttributeError, NameError) as exc:
            raise InputError(f'record "{r.get("name")}": no variable "{var}" at that site') from exc
        vec = h.Vector()
        if cvode is None:
            # every step, subsampled afterwards: Vector.record(ref, Dt) accumulates Dt in floating
            # point and can drop the final sample
            vec.record(ref)
        else:
            vec.record(ref, sample_times)
        recs.append((r['name'], vec))
    spike_ratio = SPIKE_SAMPLE_MS / dt
    spike_every = SPIKE_SAMPLE_MS if abs(spike_ratio - round(spike_ratio)) < 1e-9 else dt
    soma_vec = h.Vector()
    if cvode is None:
        soma_vec.record(secs[0](0.5)._ref_v)
    else:
        spike_every = SPIKE_SAMPLE_MS
        spike_times = h.Vector([j * SPIKE_SAMPLE_MS for j in range(int(round(tstop / SPIKE_SAMPLE_MS)) + 1)])
        soma_vec.record(secs[0](0.5)._ref_v, spike_times)

    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.tstop = tstop
    start = time.perf_counter()
    cpu_start = time.process_time()
    h.finitialize(float(require(cell, 'vInit', 'cell')))
    h.continuerun(tstop)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    stride = 1 if cvode is not None else int(round(ratio))
    traces = {name: list(vec)[::stride][:n] for name, vec in recs}
    for name, values in traces.items():
        if len(values) != n:
            raise InputError(f'record "{name}": NEURON produced {len(values)} samples, expected {n}')
    del handler
    h.cvode_active(0)
    return {
        't': [i * every for i in range(n)],
        'traces': traces,
        'spikeTimes': detect_peaks(
            list(soma_vec)[::1 if cvode is not None else int(round(spike_every / dt))], 0.0, spike_every),
        'wallSeconds': wall,
        'cpuSeconds': cpu,
        'tEnd': h.t,
    }


def geometry(h, cell):
    secs = build_cell(h, cell)
    out = []
    for sec in secs:
        out.append({
            'name': sec.name(),
            'L': sec.L,
            'nseg': sec.nseg,
            'area': [seg.area() for seg in sec],
            'ri': [seg.ri() for seg in sec],
        })
    return {'sections': out}


GATE_QUANTITIES = {
    'NaTs2': ('minf', 'mtau', 'hinf', 'htau'),
    'NaTa': ('minf', 'mtau', 'hinf', 'htau'),
    'NaP': ('minf', 'mtau', 'hinf', 'htau'),
    'KT': ('minf', 'mtau', 'hinf', 'htau'),
    'KP': ('minf', 'mtau', 'hinf', 'htau'),
    'Kv31': ('minf', 'mtau'),
    'Im': ('minf', 'mtau'),
    'Ih': ('minf', 'mtau'),
    'CaHVA': ('minf', 'mtau', 'hinf', 'htau'),
    'CaLVA': ('minf', 'mtau', 'hinf', 'htau'),
}


def gates(h, voltages):
    """Steady states and time constants from each mechanism's own rate procedure."""
    sec = h.Section(name='gates')
    for m in GATE_QUANTITIES:
        sec.insert(m)
    seg = sec(0.5)
    out = {}
    for m, quantities in GATE_QUANTITIES.items():
        getattr(h, f'setdata_{m}')(seg)
        rates = getattr(h, f'rates_{m}')
        table = {q: [] for q in quantities}
        for v in voltages:
            rates(v)
            for q in quantities:
                table[q].append(getattr(seg, f'{q}_{m}'))
        out[m] = table
    return {'gates': out}


def main(argv):
    mechlib = None
    args = list(argv[1:])
    if '--mechlib' in args:
        i = args.index('--mechlib')
        mechlib = args[i + 1]
        del args[i:i + 2]
    text = open(args[0]).read() if args else sys.stdin.read()
    try:
        req = json.loads(text)
    except ValueError as exc:
        raise InputError(f'input is not JSON: {exc}') from exc
    h = load_neuron(mechlib)
    mode = req.get('mode', 'run')
    if mode == 'run':
        out = run(h, require(req, 'cell', 'input'), require(req, 'protocol', 'input'), req.get('cvode'))
    elif mode == 'batch':
        results = []
        for k, item in enumerate(require(req, 'runs', 'input')):
            clear_model(h)
            results.append(run(h, require(item, 'cell', f'run {k}'), require(item, 'protocol', f'run {k}'),
                               item.get('cvode')))
        out = {'results': results}
    elif mode == 'geometry':
        out = geometry(h, require(req, 'cell', 'input'))
    elif mode == 'gates':
        out = gates(h, require(req, 'voltages', 'input'))
    else:
        raise InputError(f'unknown mode "{mode}"')
    json.dump(out, sys.stdout, allow_nan=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    try:
        main(sys.argv)
    except InputError as err:
        sys.stderr.write(f'run_protocol: {err}\n')
        sys.exit(2)
