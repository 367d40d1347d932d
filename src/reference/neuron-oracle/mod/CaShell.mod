COMMENT
Submembrane Ca shell (spec 4.12): inward Ca current fills a shell of the given depth, a free fraction
gamma stays unbuffered, and the concentration relaxes to minCai with time constant decay.
There is deliberately no INITIAL block: cai starts at the ion's initial value (cai0_ca_ion), the
reference model's behaviour (quirk: 5e-5 mM rather than the resting level).
ENDCOMMENT

NEURON {
    SUFFIX CaShell
    USEION ca READ ica WRITE cai
    RANGE gamma, decay, depth, minCai
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
    (mM) = (milli/liter)
    (um) = (micron)
    FARADAY = (faraday) (coulombs)
}

PARAMETER {
    gamma = 0.05
    decay = 80 (ms)
    depth = 0.1 (um)
    minCai = 1e-4 (mM)
}

ASSIGNED {
    ica (mA/cm2)
}

STATE { cai (mM) }

BREAKPOINT {
    SOLVE states METHOD cnexp
}

DERIVATIVE states {
    : 1e4 converts mA/cm2 over a depth in um into mM/ms (with F in C/mol)
    cai' = -(10000) * (ica * gamma / (2 * FARADAY * depth)) - (cai - minCai) / decay
}
