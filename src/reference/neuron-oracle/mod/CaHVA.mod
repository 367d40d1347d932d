COMMENT
High-voltage-activated Ca current (spec 4.10), m^2 h, reversing at the Nernst eca. No temperature factor.
ENDCOMMENT

NEURON {
    SUFFIX CaHVA
    USEION ca READ eca WRITE ica
    RANGE gbar, g
    RANGE minf, hinf, mtau, htau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
}

ASSIGNED {
    v (mV)
    eca (mV)
    ica (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * h
    ica = g * (v - eca)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

PROCEDURE rates(vm (mV)) {
    LOCAL am, bm, ah, bh
    am = 0.055 * 3.8 * efun((-27 - vm) / 3.8)
    bm = 0.94 * exp((-75 - vm) / 17)
    ah = 4.57e-4 * exp((-13 - vm) / 50)
    bh = 6.5e-3 / (exp((-vm - 15) / 28) + 1)
    minf = am / (am + bm)
    mtau = 1 / (am + bm)
    hinf = ah / (ah + bh)
    htau = 1 / (ah + bh)
}

FUNCTION efun(x) {
    : x / (exp(x) - 1), continuous through x = 0
    if (fabs(x) < 1e-6) {
        efun = 1 - x / 2 + x * x / 12
    } else {
        efun = x / (exp(x) - 1)
    }
}
