/** GET /models/:id/cell and GET /models/:id/morphology: the reference cell behind a model. */
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ModelRegistry } from '../../registry/registry.js';
import { CellViews, type CellSummary } from './cell-views.js';
import type { CellMorphologyView } from '../../reference/cells/cell-morphology.js';

@Controller('models')
export class CellController {
  private readonly views = new CellViews();

  constructor(@Inject(ModelRegistry) private readonly registry: ModelRegistry) {}

  @Get(':id/cell')
  cell(@Param('id') id: string): CellSummary & { model: string } {
    const cell = this.neuronOf(id);
    return { model: id, ...this.known(() => this.views.summary(cell)) };
  }

  @Get(':id/morphology')
  morphology(@Param('id') id: string): CellMorphologyView & { model: string } {
    const cell = this.neuronOf(id);
    const view = this.known(() => this.views.morphology(cell));
    if (!view) {
      throw new NotFoundException(`model '${id}' imitates '${cell}', a point neuron: it has no morphology`);
    }
    return { model: id, ...view };
  }

  private neuronOf(id: string): string {
    const model = this.registry.get(id);
    if (!model) {
      const known = this.registry.ids();
      throw new NotFoundException(
        `no model '${id}' (available: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    return model.manifest.neuron;
  }

  /** Unknown cells (a manifest naming a cell this server lacks) become 404s with the registry's message. */
  private known<T>(build: () => T): T {
    try {
      return build();
    } catch (err) {
      if (err instanceof RangeError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
