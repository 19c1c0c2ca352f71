// Every registered paradigm keeps the contract (see contract.ts).
import { PARADIGMS } from '../src/registry.ts';
import { paradigmContract, trainingBackend } from './contract.ts';
import { TOY } from './fixtures/toy-paradigm.ts';

// a paradigm added with one registry line is held to the same contract
for (const entry of Object.values({ ...PARADIGMS, toy: TOY })) paradigmContract(entry, trainingBackend);
